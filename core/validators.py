"""Checks for what people type that the database must be able to store."""

# Larger ids than this do not fit a 64-bit column (9,223,372,036,854,775,807).
MAX_ID_DIGITS = 18


def is_ascii_digits(value: str, length: int | None = None) -> bool:
    """Digits 0–9 only. str.isdigit() also accepts "１２３４５" and "٩٩٩٠٩", which Python
    reads as numbers but the database's [0-9] checks refuse (a 500, not a message)."""
    return (
        bool(value)
        and value.isascii()
        and value.isdigit()
        and (length is None or len(value) == length)
    )


def parse_id(value) -> int | None:
    """A row id from a URL or form value, or None for anything that cannot be one."""
    if isinstance(value, str) and is_ascii_digits(value) and len(value) <= MAX_ID_DIGITS:
        return int(value)
    return None
