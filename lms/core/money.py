"""Money: integer minor units (fen) in the database, exact Decimal yuan in forms; never floats."""

from decimal import Decimal

from flask_babel import format_currency

from lms.core.numbers import NumberRefusedError, read_number

FEN_PER_YUAN = 100
DEFAULT_CURRENCY = "CNY"
# Nine digits of yuan fit a BigInteger of fen easily.
YUAN_DIGITS = 9


def read_yuan(text: str | None) -> Decimal | None:
    """Typed yuan ("3,500.50", "8.2元", "¥12") as an exact Decimal, None when empty; NumberRefusedError otherwise."""
    return read_number(text, decimals=2, digits=YUAN_DIGITS, currency=True)


def yuan_to_fen(yuan: Decimal | str) -> int:
    """Exact yuan (a Decimal, or text such as "3,500.5元") as whole fen (350050); ValueError if it is not one."""
    if yuan is None or isinstance(yuan, str):
        yuan = read_yuan(yuan)
        if yuan is None:
            raise NumberRefusedError("")
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
