from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.validators import is_ascii_digits

CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def is_valid_cvr(value: str) -> bool:
    """Danish CVR: eight digits, not starting with 0, weighted sum divisible by 11."""
    if not is_ascii_digits(value, 8) or value[0] == "0":
        return False
    return sum(int(d) * w for d, w in zip(value, CVR_WEIGHTS, strict=True)) % 11 == 0


def validate_cvr(value: str) -> None:
    if not is_ascii_digits(value, 8):
        raise ValidationError(_("A CVR number has exactly eight digits."), code="cvr_format")
    if not is_valid_cvr(value):
        raise ValidationError(
            _("%(value)s is not a valid CVR number (the check digit does not match)."),
            code="cvr_checksum",
            params={"value": value},
        )
