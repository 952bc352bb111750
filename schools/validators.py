from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

amu_number_validator = RegexValidator(
    regex=r"^\d{5}$",
    message=_("An AMU course number has exactly five digits, e.g. 22906."),
    code="invalid_amu_number",
)


def validate_half_days(value: Decimal) -> None:
    if value is None:
        return
    if value <= 0:
        raise ValidationError(_("The duration must be more than 0 days."), code="non_positive_days")
    if (value * 2) % 1 != 0:
        raise ValidationError(_("Use whole or half days, e.g. 2 or 2.5."), code="not_half_days")
