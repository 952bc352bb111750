from django import forms

from .kinds import KINDS
from .models import Preference


class PreferencesForm(forms.Form):
    """One choice per kind; kinds that cannot be turned off are not offered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in KINDS.values():
            if kind.optional:
                self.fields[kind.name] = forms.ChoiceField(
                    label=kind.label,
                    choices=Preference.Delivery.choices,
                    widget=forms.RadioSelect,
                )
