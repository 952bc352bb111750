"""The AMU funding arithmetic, in one place.

1 course day = 1/5 student-week and 1 student-week = 1/40 ÅE, so
1 ÅE (årselev) = 200 participant course days.

Money follows the year: participant days are counted per year (of the block's start, or
of the planned activity's start) and priced at that year's ``FundingRate``. A year
without rates is named, never guessed: the money figures are then ``None``.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from schools.models import (
    DAYS_PER_COURSE_WEEK,
    HOURS_PER_AMU_DAY,
    PARTICIPANT_DAYS_PER_AARSELEV,
    FundingRate,
)

TWO_PLACES = Decimal("0.01")
ZERO = Decimal(0)


def aarselever(participant_days: Decimal | int) -> Decimal:
    return (Decimal(participant_days) / PARTICIPANT_DAYS_PER_AARSELEV).quantize(Decimal("0.001"))


def funding_rates() -> dict[int, FundingRate]:
    """Every year's rates by year; one query (the table holds a row a year)."""
    return {rate.year: rate for rate in FundingRate.objects.all()}


@dataclass(frozen=True)
class YearVolume:
    """Participant course days falling in one year, and how many of them are of
    participants educated up to skilled level (VEU-eligible; they pay the fee)."""

    year: int
    days: Decimal
    eligible_days: Decimal

    @property
    def other_days(self) -> Decimal:
        return self.days - self.eligible_days


class Volumes:
    """Adds participant days up by year: ``add(year, days, eligible_days)``."""

    def __init__(self):
        self._by_year: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])

    def add(self, year: int, days, eligible_days) -> None:
        total = self._by_year[year]
        total[0] += Decimal(days)
        total[1] += Decimal(eligible_days)

    def extend(self, volumes: Iterable[YearVolume]) -> None:
        for volume in volumes:
            self.add(volume.year, volume.days, volume.eligible_days)

    def result(self) -> tuple[YearVolume, ...]:
        return tuple(
            YearVolume(year, days, eligible)
            for year, (days, eligible) in sorted(self._by_year.items())
            if days
        )


@dataclass(frozen=True)
class Economics:
    """What participant days cost the company and bring it and the school, at the rates
    of the years they fall in.

    The company pays the participant fee for eligible participants and the full price
    for the others, receives VEU compensation for the eligible ones, and loses the hours
    away from work; the school is paid by ÅE.
    """

    volumes: tuple[YearVolume, ...]
    rates: tuple[FundingRate, ...] = field(default=())  # of the years used that have one
    missing_years: tuple[int, ...] = field(default=())

    @classmethod
    def of(cls, volumes: Iterable[YearVolume], rates: Mapping[int, FundingRate]) -> "Economics":
        volumes = tuple(volumes)
        years = [v.year for v in volumes]
        return cls(
            volumes=volumes,
            rates=tuple(rates[y] for y in years if y in rates),
            missing_years=tuple(y for y in years if y not in rates),
        )

    @property
    def participant_days(self) -> Decimal:
        return sum((v.days for v in self.volumes), ZERO)

    @property
    def eligible_days(self) -> Decimal:
        return sum((v.eligible_days for v in self.volumes), ZERO)

    @property
    def aarselever(self) -> Decimal:
        return aarselever(self.participant_days)

    @property
    def hours_away(self) -> Decimal:
        return (self.participant_days * HOURS_PER_AMU_DAY).quantize(Decimal("0.1"))

    @property
    def is_estimate(self) -> bool:
        return any(rate.is_estimate for rate in self.rates)

    def _priced(self, price) -> Decimal | None:
        if self.missing_years:
            return None
        by_year = {rate.year: rate for rate in self.rates}
        total = sum((price(v, by_year[v.year]) for v in self.volumes), ZERO)
        return (total / DAYS_PER_COURSE_WEEK).quantize(TWO_PLACES)

    @property
    def fees(self) -> Decimal | None:
        """Participant fees and full prices the company pays; None for a missing year."""
        return self._priced(
            lambda v, r: v.eligible_days * r.fee_per_week + v.other_days * r.full_price_per_week
        )

    @property
    def veu(self) -> Decimal | None:
        """VEU compensation the company can expect; None for a missing year."""
        return self._priced(lambda v, r: v.eligible_days * r.veu_per_week)

    @property
    def net(self) -> Decimal | None:
        """What the courses cost the company after compensation (negative: it gains)."""
        fees, veu = self.fees, self.veu
        return None if fees is None else fees - veu


NO_ECONOMICS = Economics(volumes=())
