from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .kinds import KINDS
from .models import Preference


class PreferencesForm(forms.Form):
    """One choice per kind; kinds that cannot be turned off are not offered."""

    language = forms.ChoiceField(
        label=_("Language of your e-mails"), choices=settings.LANGUAGES, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in KINDS.values():
            if kind.optional:
                self.fields[kind.name] = forms.ChoiceField(
                    label=kind.label,
                    choices=Preference.Delivery.choices,
                    widget=forms.RadioSelect,
                )
