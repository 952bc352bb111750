from django import forms
from django.utils.translation import gettext as _


class DateInput(forms.DateInput):
    """The browser's own date picker; it submits ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


DATETIME_LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


# Dates a person can mean here. Year 1 and year 9999 parse as dates, but a time zone
# cannot shift them (a 500 in the database adapter) and no plan is about them.
DATE_YEARS = range(1900, 2101)


def validate_plausible_date(value) -> None:
    if value is not None and value.year not in DATE_YEARS:
        raise forms.ValidationError(
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": DATE_YEARS[0], "last": DATE_YEARS[-1]},
            code="implausible_date",
        )


class PlausibleDatesMixin:
    """Every date and date-time field of the form refuses years outside DATE_YEARS."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, (forms.DateField, forms.DateTimeField)):
                field.validators.append(validate_plausible_date)
