"""The AMU rates the product starts with, used by the migration that made the rates table
and by the demo seed (which puts them back into a database that was emptied).

Published values where they exist (VEU 2023: 4,555 DKK a week; 2024: 4,700; participant
fee 2024: 1,040); every other value is an estimate, marked so on every page that uses it,
for an administrator to replace under "Funding rates" when the year's rates are published.
A plain table and a function of the model class, so the migration can run it on its
historical model."""

from decimal import Decimal

SEED = [
    # year, VEU, estimate?, fee, estimate?, full price, estimate?
    (2023, "4555", False, "1015", True, "3500", True),
    (2024, "4700", False, "1040", False, "3600", True),
    (2025, "4820", True, "1065", True, "3690", True),
    (2026, "4940", True, "1090", True, "3780", True),
    (2027, "5065", True, "1120", True, "3875", True),
]


def seed_rates(FundingRate) -> int:
    """Add the years that are missing; a year already there is left as an admin set it.
    Returns how many years were added."""
    added = 0
    for year, veu, veu_estimate, fee, fee_estimate, full, full_estimate in SEED:
        _rate, created = FundingRate.objects.get_or_create(
            year=year,
            defaults={
                "veu_per_week": Decimal(veu),
                "veu_is_estimate": veu_estimate,
                "fee_per_week": Decimal(fee),
                "fee_is_estimate": fee_estimate,
                "full_price_per_week": Decimal(full),
                "full_price_is_estimate": full_estimate,
            },
        )
        added += created
    return added
