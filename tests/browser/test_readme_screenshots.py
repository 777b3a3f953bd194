"""The README's screenshots exist, and a journey takes each of them, so `make screenshots` keeps them current."""

import re

from lms.app import PROJECT_ROOT
from tests.browser.conftest import BROWSER_TESTS


def test_every_screenshot_in_the_readme_exists_and_a_journey_takes_it():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r'src="docs/screenshots/([^"]+\.png)"', readme)
    assert shown, "the README shows no screenshot"
    journeys = "\n".join(path.read_text(encoding="utf-8") for path in BROWSER_TESTS.glob("test_*_journey.py"))
    for name in shown:
        assert (PROJECT_ROOT / "docs" / "screenshots" / name).is_file(), f"docs/screenshots/{name} is missing"
        assert f'"{name}"' in journeys, f"no journey takes {name}: `make screenshots` would not renew it"
