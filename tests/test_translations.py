"""Every user-facing string has a Simplified Chinese translation."""

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

pytestmark = pytest.mark.one_database

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "lms/translations/zh_Hans/LC_MESSAGES/messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


def extracted_messages() -> set[str]:
    """The msgids that `make extract-messages` would find in the code and templates now."""
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_every_extracted_string_is_translated_into_chinese():
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle)
    translated = {
        message.id[0] if isinstance(message.id, tuple) else message.id
        for message in catalog
        if message.id
        and not message.fuzzy
        and all(message.string if isinstance(message.string, tuple) else [message.string])
    }
    missing = sorted(extracted_messages() - translated)
    assert missing == [], "run `make extract-messages` and translate: " + "; ".join(missing)


def test_translations_keep_every_placeholder():
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle)
    problems = [(message.id, errors) for message, errors in catalog.check()]
    assert problems == []


def test_the_chinese_catalog_addresses_everyone_as_ni():
    """One form of address on every page: 你, as the starter course speaks; 您 beside it would read as two voices.

    Pages are shared (header, sign-in, notifications, errors), so one form for the whole catalog is the only
    way a page cannot mix them.
    """
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle)
    formal = [
        message.id
        for message in catalog
        if message.id and "您" in "".join(message.string if isinstance(message.string, tuple) else [message.string])
    ]
    assert formal == []
