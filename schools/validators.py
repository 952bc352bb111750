from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

amu_number_validator = RegexValidator(
    regex=r"^[0-9]{5}$",
    message=_("An AMU course number has exactly five digits, e.g. 22906."),
    code="invalid_amu_number",
)


# The longest AMU courses run some weeks; a hundred days is a typing error, and 1,000 does
# not fit the column (a 500 on PostgreSQL before this limit).
MAX_COURSE_DAYS = 100


def validate_half_days(value: Decimal) -> None:
    if value is None:
        return
    if value <= 0:
        raise ValidationError(_("The duration must be more than 0 days."), code="non_positive_days")
    if value > MAX_COURSE_DAYS:
        raise ValidationError(
            _("An AMU course lasts at most %(max)s days."),
            code="too_many_days",
            params={"max": MAX_COURSE_DAYS},
        )
    if (value * 2) % 1 != 0:
        raise ValidationError(_("Use whole or half days, e.g. 2 or 2.5."), code="not_half_days")
