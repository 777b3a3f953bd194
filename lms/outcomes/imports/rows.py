"""One row of a follow-up CSV file and its own checks: number formats, dates, units, channels, link and yes/no."""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from lms.accounts.models import User
from lms.accounts.services import normalize_phone
from lms.core.calendar import program_today
from lms.core.money import yuan_to_fen
from lms.core.numbers import NumberRefusedError, read_number
from lms.outcomes.models import SALES_CHANNELS, Graduation

COLUMN_LABELS = {
    "phone": _l("Mobile number"),
    "wave": _l("Wave (months)"),
    "period_start": _l("Period start"),
    "period_end": _l("Period end"),
    "monthly_income": _l("Monthly income"),
    "revenue": _l("Revenue"),
    "product": _l("Product"),
    "quantity": _l("Quantity"),
    "unit": _l("Unit"),
    "channels": _l("Sales channels"),
    "households": _l("Households benefiting"),
    "employed": _l("People employed"),
    "livestreams": _l("Livestreams"),
    "shop_link": _l("Shop link"),
    "notes": _l("Notes"),
    "verified": _l("Verified"),
}
UNITS = {
    "kg": "kg", "公斤": "kg", "千克": "kg",
    "jin": "jin", "斤": "jin",
    "piece": "piece", "pieces": "piece", "件": "piece", "个": "piece",
    "box": "box", "boxes": "box", "箱": "box",
    "bottle": "bottle", "bottles": "bottle", "瓶": "bottle",
}  # fmt: skip
CHANNEL_NAMES = {
    **{code: code for code in SALES_CHANNELS},
    "快手": "kuaishou", "快手小店": "kuaishou", "kuaishou shop": "kuaishou",
    "抖音": "douyin", "抖音小店": "douyin", "douyin shop": "douyin",
    "淘宝": "taobao", "天猫": "tmall", "京东": "jd", "拼多多": "pinduoduo", "有赞": "youzan",
    "微信": "wechat", "微信小店": "wechat",
    "线下": "offline", "线下集市": "offline", "线下销售": "offline", "offline market": "offline",
    "其他": "other", "其它": "other",
}  # fmt: skip
YES = {"yes", "y", "true", "1", "是", "已核实", "√"}
NO = {"", "no", "n", "false", "0", "否", "未核实"}
LIST_SEPARATORS = re.compile(r"[;；、]")
CHANNEL_SEPARATORS = re.compile(r"[;；、,，]")
DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$", re.ASCII)
WAVE_PATTERN = re.compile(r"^(\d{1,3})\s*(个月|月|months?)?$", re.ASCII | re.IGNORECASE)
MONEY_COLUMNS = ("monthly_income", "revenue")
# Up to 10^13 yuan (far inside a BigInteger in fen), 10^9 people or livestreams, quantities as Numeric(14, 2) holds.
MONEY_DIGITS, COUNT_DIGITS, QUANTITY_DIGITS = 13, 9, 12
LIMITS = {"product": 100, "shop_link": 500, "notes": 5000}
COUNT_COLUMNS = {"households": "households_benefiting", "employed": "people_employed", "livestreams": "livestreams"}


@dataclass
class FollowUpImportRow:
    """One follow-up from the file: the cells as typed, the values to store, and what is wrong or unusual."""

    line: int
    values: dict[str, str]
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    phone: str | None = None
    wave: int | None = None
    fields: dict = field(default_factory=dict)
    # (product as typed, quantity, unit: "" until the program's list gives the product's usual one)
    quantities: list[tuple[str, Decimal, str]] = field(default_factory=list)
    product_ids: list[int | None] = field(default_factory=list)
    verified: bool = False
    learner: User | None = None
    graduation: Graduation | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def number_cell(row: FollowUpImportRow, column: str, decimals: int, digits: int) -> Decimal | None:
    """The cell read as the forms read numbers (``read_number``), or None: empty, or refused (the row says why)."""
    try:
        return read_number(row.values[column], decimals=decimals, digits=digits, currency=column in MONEY_COLUMNS)
    except NumberRefusedError as error:
        row.errors.append(_("%(column)s: %(problem)s", column=COLUMN_LABELS[column], problem=error.message))
        return None


def date_cell(row: FollowUpImportRow, column: str) -> date | None:
    text = unicodedata.normalize("NFKC", row.values[column])
    if not text:
        row.errors.append(_("%(column)s is missing.", column=COLUMN_LABELS[column]))
        return None
    match = DATE_PATTERN.match(text)
    try:
        if match:
            return date(*(int(part) for part in match.groups()))
    except ValueError:
        pass
    row.errors.append(_("%(column)s is not a date; write it as 2027-06-30.", column=COLUMN_LABELS[column]))
    return None


def listed(text: str, separators: re.Pattern = LIST_SEPARATORS) -> list[str]:
    return [part.strip() for part in separators.split(text) if part.strip()]


def check_quantities(row: FollowUpImportRow) -> None:
    """Products, quantities and units: one product per cell, or several separated by ";" in the same order; the units
    may be left out for products on the program's list."""
    products, quantities, units = (listed(row.values[column]) for column in ("product", "quantity", "unit"))
    if not (products or quantities or units):
        return
    if not (len(products) == len(quantities) and len(units) in (0, len(products))):
        row.errors.append(_("Give a quantity and a unit for each product (several separated by ;)."))
        return
    # No unit at all: each product takes its usual unit from the program's list (checked with the graduate).
    for product, quantity_text, unit_text in zip(products, quantities, units or [""] * len(products), strict=True):
        unit = UNITS.get(unicodedata.normalize("NFKC", unit_text).lower()) if unit_text else ""
        if unit is None:
            row.errors.append(
                _(
                    "Unknown unit %(unit)s: use kg (公斤), jin (斤), piece (件), box (箱) or bottle (瓶).",
                    unit=unit_text,
                )
            )
        if len(product) > LIMITS["product"]:
            row.errors.append(_("A product name is longer than %(max)d characters.", max=LIMITS["product"]))
        probe = FollowUpImportRow(line=row.line, values={"quantity": quantity_text})
        quantity = number_cell(probe, "quantity", decimals=2, digits=QUANTITY_DIGITS)
        row.errors.extend(probe.errors)
        if unit is not None and quantity is not None and not probe.errors:
            row.quantities.append((product, quantity, unit))


def check_channels(row: FollowUpImportRow) -> list[str]:
    codes = set()
    for name in listed(row.values["channels"], CHANNEL_SEPARATORS):
        code = CHANNEL_NAMES.get(unicodedata.normalize("NFKC", name).lower())
        if code is None:
            row.errors.append(_("Unknown sales channel: %(name)s.", name=name))
        else:
            codes.add(code)
    return [code for code in SALES_CHANNELS if code in codes]


def check_shop_link(row: FollowUpImportRow) -> str:
    link = row.values["shop_link"]
    if not link:
        return ""
    parts = urlsplit(link) if len(link) <= LIMITS["shop_link"] and not any(c.isspace() for c in link) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        row.errors.append(_("The shop link must be a web address starting with http:// or https://."))
        return ""
    return link


def check_row(row: FollowUpImportRow) -> None:
    """Everything a row shows by itself: the number formats, dates, units, channels, link and yes/no."""
    values = row.values
    if not values["phone"]:
        row.errors.append(_("The mobile number is missing."))
    else:
        row.phone = normalize_phone(values["phone"])
        if row.phone is None:
            row.errors.append(_("Not a mobile number."))
    wave = WAVE_PATTERN.match(unicodedata.normalize("NFKC", values["wave"]).strip())
    if wave:
        row.wave = int(wave.group(1))
    elif not values["wave"]:
        row.errors.append(_("%(column)s is missing.", column=COLUMN_LABELS["wave"]))
    else:
        row.errors.append(_("The wave must be a whole number of months after graduation, such as 3."))
    start, end = date_cell(row, "period_start"), date_cell(row, "period_end")
    if start and end and end < start:
        row.errors.append(_("The period ends before it starts."))
    if end and end > program_today():
        row.errors.append(_("The period cannot end in the future."))
    money: dict[str, int | None] = {}
    for column in MONEY_COLUMNS:
        yuan = number_cell(row, column, decimals=2, digits=MONEY_DIGITS)
        money[column] = yuan_to_fen(yuan) if yuan is not None else None
    if not values["monthly_income"]:
        row.errors.append(_("%(column)s is missing.", column=COLUMN_LABELS["monthly_income"]))
    counts = {column: number_cell(row, column, decimals=0, digits=COUNT_DIGITS) for column in COUNT_COLUMNS}
    check_quantities(row)
    channels = check_channels(row)
    shop_link = check_shop_link(row)
    if len(values["notes"]) > LIMITS["notes"]:
        row.errors.append(_("The notes are longer than %(max)d characters.", max=LIMITS["notes"]))
    verified = values["verified"].lower()
    if verified not in YES | NO:
        row.errors.append(_("Verified must be yes or no (是 or 否)."))
    row.verified = verified in YES
    row.fields = {
        "wave_months": row.wave,
        "period_start": start,
        "period_end": end,
        "monthly_income_fen": money["monthly_income"],
        "revenue_fen": money["revenue"] or 0,
        "channels": ",".join(channels),
        **{field_name: int(counts[column] or 0) for column, field_name in COUNT_COLUMNS.items()},
        "shop_link": shop_link,
        "notes": values["notes"],
    }
