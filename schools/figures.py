"""The AMU funding arithmetic, in one place.

1 course day = 1/5 student-week and 1 student-week = 1/40 ÅE, so
1 ÅE (årselev) = 200 participant course days.
"""

from decimal import Decimal

from django.conf import settings

from schools.models import PARTICIPANT_DAYS_PER_AARSELEV

TWO_PLACES = Decimal("0.01")


def aarselever(participant_days: Decimal | int) -> Decimal:
    return (Decimal(participant_days) / PARTICIPANT_DAYS_PER_AARSELEV).quantize(Decimal("0.001"))


def veu_compensation_dkk(eligible_participant_days: Decimal | int) -> Decimal:
    """Estimated VEU wage compensation at the configured daily rate."""
    rate = Decimal(settings.VEU_DAILY_RATE_DKK)
    return (Decimal(eligible_participant_days) * rate).quantize(TWO_PLACES)
