"""The answer form is built from the questionnaire: one field per question."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import PlausibleDatesMixin
from evaluations.models import Question, Theme

NOT_RELEVANT = "nr"


class AnswerForm(forms.Form):
    """Scale questions are required (a score or "not relevant"); free text is optional."""

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = f"q{question.pk}"
            if question.is_scale:
                choices = [(str(n), str(n)) for n in range(1, 6)]
                if question.allow_not_relevant:
                    choices.append((NOT_RELEVANT, _("Not relevant")))
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    choices=choices,
                    widget=forms.RadioSelect,
                    error_messages={"required": _("Choose an answer from 1 to 5.")},
                )
            else:
                self.fields[name] = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=4000,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )
            self.fields[name].question = question

    def answers(self) -> dict[int, dict]:
        result = {}
        for question in self.questions:
            value = self.cleaned_data.get(f"q{question.pk}")
            if question.is_scale:
                if value == NOT_RELEVANT:
                    result[question.pk] = {"not_relevant": True}
                else:
                    result[question.pk] = {"score": int(value)}
            elif value and value.strip():
                result[question.pk] = {"text": value.strip()}
        return result


class ConclusionForm(forms.Form):
    text = forms.CharField(
        label=_("Conclusion"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=_("Printed in the evaluation report. What worked, what did not, what next."),
    )


class PeriodForm(PlausibleDatesMixin, forms.Form):
    start = forms.DateField(label=_("From"), required=False)
    end = forms.DateField(label=_("To"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("The end date is before the start date."))
        return data


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [
            "type",
            "theme",
            "text_da",
            "text_en",
            "low_da",
            "low_en",
            "high_da",
            "high_en",
            "allow_not_relevant",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = [("", _("No index"))] + list(Theme.choices)
