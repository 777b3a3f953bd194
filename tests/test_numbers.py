"""The one reading of typed numbers: units, currency words and separators accepted, two readings refused."""

from decimal import Decimal

import pytest

from lms.core.numbers import NumberRefusedError, read_number

pytestmark = pytest.mark.one_database  # reading typed text: no database involved


@pytest.mark.parametrize(
    ("typed", "options", "value"),
    [
        ("8.2元", {"decimals": 2, "currency": True}, "8.2"),
        ("3,500", {"decimals": 2}, "3500"),
        ("3，500", {"decimals": 2}, "3500"),
        ("3 500", {"decimals": 0}, "3500"),
        ("¥12", {"decimals": 2, "currency": True}, "12"),
        ("RMB 3,500.50", {"decimals": 2, "currency": True}, "3500.50"),
        ("１２．５", {"decimals": 2}, "12.5"),
        ("4人", {"decimals": 0, "units": ("人",)}, "4"),
        ("12.5 KG", {"decimals": 2, "units": ("kg",)}, "12.5"),
        ("-3", {"decimals": 0, "negative": True}, "-3"),
        ("  ", {"decimals": 2}, None),
    ],
)
def test_numbers_people_type_are_read(typed, options, value):
    assert read_number(typed, **options) == (None if value is None else Decimal(value))


@pytest.mark.parametrize(
    ("typed", "options", "message"),
    [
        ("1,2345", {"decimals": 2}, "can be read two ways"),
        ("1.234,5", {"decimals": 2}, "for example 1.5 or 1,500"),
        ("3万", {"decimals": 2, "currency": True}, "for example 30000"),
        ("2.5k", {"decimals": 2}, "for example 2500"),
        ("12斤", {"decimals": 2}, "without “斤”"),
        ("8.2元", {"decimals": 2}, "without “元”"),  # a currency word only where money is asked
        ("-3", {"decimals": 0}, "cannot be negative"),
        ("1.5", {"decimals": 0}, "whole number"),
        ("1.234", {"decimals": 2}, "at most 2 decimal places"),
        ("1e3", {"decimals": 2}, "is not a number"),
        ("9" * 13, {"decimals": 2}, "too large"),
    ],
)
def test_what_is_not_one_clear_number_is_refused_with_a_reason(typed, options, message):
    with pytest.raises(NumberRefusedError, match=message):
        read_number(typed, **options)
