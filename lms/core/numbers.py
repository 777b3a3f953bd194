"""Reading the numbers people type: digits with a trailing unit or currency word, and thousands separators.

"8.2元", "3,500", "3，500", "¥12", "12,5" and "１２．５" all read; what has two readings ("1,2345", "3万") is refused
with an example, so a figure is never stored other than the person meant it.
"""

import re
import unicodedata
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from lms.core.errors import UserFacingError

# Said before or after an amount of yuan; compared in lower case.
CURRENCY_PREFIXES = ("¥", "rmb", "cny")
CURRENCY_WORDS = ("元", "元钱", "块", "块钱", "圆", "人民币", "rmb", "cny", "yuan")
# Words that multiply the number: "3万" is 30000, which a person should type as such.
MULTIPLIERS = {"万": 4, "千": 3, "百": 2, "亿": 8, "k": 3, "w": 4}
NUMBER_AND_REST = re.compile(r"(?P<sign>[+-]?)(?P<number>[\d.,]*\d[\d.,]*|\.\d+)(?P<rest>.*)", re.DOTALL)
# "12,5": one comma and one or two digits cannot be thousands, so it is a decimal comma.
DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
PLAIN = re.compile(r"\d+(\.\d+)?|\.\d+")
SPACES = re.compile(r"\s+")
DIGIT_SPACE_DIGIT = re.compile(r"(?<=\d)\s+(?=\d)")


class NumberRefusedError(UserFacingError, ValueError):
    """Typed text that is not one clear number; a ValueError too, so a form field shows its message."""


def not_a_number(shown: str, decimals: int) -> NumberRefusedError:
    example = "4 or 1,200" if decimals == 0 else "8.2 or 3,500"
    return NumberRefusedError(
        _l("“%(value)s” is not a number. Type digits, for example %(example)s.", value=shown, example=example)
    )


def normalised(raw: str) -> str:
    """Full-width digits and punctuation from a Chinese keyboard as ASCII; spaces between digits as separators."""
    text = unicodedata.normalize("NFKC", raw or "").replace("。", ".").strip()
    return SPACES.sub("", DIGIT_SPACE_DIGIT.sub(",", text))


def strip_prefix(text: str, currency: bool) -> str:
    lowered = text.lower()
    for prefix in CURRENCY_PREFIXES if currency else ():
        if lowered.startswith(prefix):
            return text[len(prefix) :]
    return text


def check_rest(rest: str, shown: str, number: str, decimals: int, currency: bool, units: tuple[str, ...]) -> None:
    """What follows the digits must be nothing, a currency word (for money) or one of the field's units."""
    if not rest:
        return
    lowered = rest.lower()
    allowed = {unit.lower() for unit in units if unit} | (set(CURRENCY_WORDS) if currency else set())
    if lowered in allowed:
        return
    multiplier = next((word for word in MULTIPLIERS if lowered.startswith(word)), None)
    if multiplier is not None and PLAIN.fullmatch(number.replace(",", "")):
        meant = Decimal(number.replace(",", "")).scaleb(MULTIPLIERS[multiplier])
        raise NumberRefusedError(
            _l(
                "Type “%(value)s” in digits only, for example %(meant)s.",
                value=shown,
                meant=format(meant.normalize(), "f") if meant == meant.to_integral_value() else format(meant, "f"),
            )
        )
    if PLAIN.fullmatch(number.replace(",", "")) and not any(character.isdigit() for character in rest):
        message = _l("Type the number without “%(word)s”, for example %(number)s.", word=rest, number=number)
        raise NumberRefusedError(message)
    raise not_a_number(shown, decimals)


def plain_digits(number: str, shown: str, decimals: int) -> str:
    """Digits and at most one point; commas only as thousands separators in groups of three."""
    if DECIMAL_COMMA.fullmatch(number):
        return number.replace(",", ".")
    if "," in number:
        if not GROUPED.fullmatch(number):
            raise NumberRefusedError(
                _l(
                    "“%(value)s” can be read two ways. Use a point for decimals and commas only between "
                    "thousands, for example 1.5 or 1,500.",
                    value=shown,
                )
            )
        number = number.replace(",", "")
    if not PLAIN.fullmatch(number):
        raise not_a_number(shown, decimals)
    return number


def read_number(
    raw: str | None,
    *,
    decimals: int,
    digits: int = 12,
    currency: bool = False,
    units: tuple[str, ...] = (),
    negative: bool = False,
) -> Decimal | None:
    """The exact number a person typed, or None when she typed nothing; NumberRefusedError says what is wrong.

    ``decimals`` is the most decimal places kept (0: a whole number), ``digits`` the most before the point;
    ``currency`` accepts "¥" before and "元"/"块"/"yuan" after, ``units`` the field's own units after.
    """
    shown = (raw or "").strip()[:30]
    text = strip_prefix(normalised(raw or ""), currency)
    if not text:
        return None
    match = NUMBER_AND_REST.fullmatch(text)
    if match is None:
        raise not_a_number(shown, decimals)
    sign, number, rest = match.group("sign", "number", "rest")
    check_rest(rest, shown, number, decimals, currency, units)
    number = plain_digits(number, shown, decimals)
    whole, _point, fraction = number.partition(".")
    if sign == "-" and not negative and Decimal(number) != 0:
        raise NumberRefusedError(_l("The number cannot be negative."))
    if len(whole.lstrip("0")) > digits:
        raise NumberRefusedError(_l("This number is too large."))
    if len(fraction.rstrip("0")) > decimals:
        if decimals == 0:
            raise NumberRefusedError(_l("Enter a whole number, such as 4."))
        raise NumberRefusedError(
            _l("Use at most %(count)d decimal places, for example %(example)s.", count=decimals, example="12.5")
        )
    value = Decimal(number)
    return -value if sign == "-" else value
