"""Money: integer minor units (fen) in the database, exact Decimal yuan in forms; never floats."""

import re
from decimal import Decimal

from flask_babel import format_currency

FEN_PER_YUAN = 100
DEFAULT_CURRENCY = "CNY"
# Plain digits with at most two decimals: no exponents ("1e3"), signs, NaN or thousands separators,
# so what a person typed is exactly what is stored. Nine digits of yuan fit a BigInteger of fen easily.
YUAN_PATTERN = re.compile(r"\d{1,9}(\.\d{1,2})?")


def yuan_to_fen(yuan: Decimal | str) -> int:
    """Exact yuan (a Decimal, or text such as "3500.5") as whole fen (350050); ValueError if it is not one."""
    if yuan is None or isinstance(yuan, str):
        cleaned = (yuan or "").strip()
        if not YUAN_PATTERN.fullmatch(cleaned):
            raise ValueError(cleaned)
        yuan = Decimal(cleaned)
    fen = yuan * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError("more than two decimal places")
    return int(fen)


def fen_to_yuan_text(fen: int | None) -> str:
    """Fen as the yuan text a form field holds ("3500.50"), exactly."""
    if fen is None:
        return ""
    return f"{Decimal(fen) / FEN_PER_YUAN:.2f}"


def format_fen(fen: int, currency: str) -> str:
    """An amount in fen shown as yuan in the page's locale, e.g. ¥3,500.50."""
    return format_currency(Decimal(fen) / FEN_PER_YUAN, currency)
