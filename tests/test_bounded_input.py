"""Numbers and dates typed into any form are bounded: a clear message, never a 500, nothing saved.

The probe reads every form the pages show each role, fills it as a browser would, and then puts
numbers no id column holds into every choice and number, and dates far outside the programs'
years into every date.
"""

from datetime import date
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from lms.cohorts.models import Cohort
from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.core.forms import BaseForm, BoundedDateField, coerce_id, date_window
from lms.learning.models.submission import Extension
from tests.permissions import MATRIX

HUGE_NUMBERS = ("9" * 30, "99999999999")
FAR_DATES = ("9999-12-31", "0001-01-01", "1899-12-31")


class FormReader(HTMLParser):
    """The post forms of a page: their action and fields, each with the value a browser would send."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self.select: str | None = None
        self.open = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.open = (attributes.get("method") or "").lower() == "post"
            if self.open:
                self.forms.append({"action": attributes.get("action") or "", "fields": {}, "kinds": {}})
        if not self.open or ("name" not in attributes and tag != "option"):
            return
        form = self.forms[-1]
        if tag == "input" and attributes.get("type") not in ("submit", "file", "button"):
            kind = attributes.get("type") or "text"
            if kind in ("checkbox", "radio") and attributes["name"] in form["fields"]:
                return
            form["fields"][attributes["name"]] = attributes.get("value") or ("2027-03-01" if "date" in kind else "1")
            form["kinds"][attributes["name"]] = kind
        elif tag in ("select", "textarea"):
            self.select = attributes["name"] if tag == "select" else None
            form["fields"][attributes["name"]] = "Some words" if tag == "textarea" else ""
            form["kinds"][attributes["name"]] = tag
        elif tag == "option" and self.select and not form["fields"][self.select]:
            form["fields"][self.select] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.open = False
        if tag == "select":
            self.select = None


def forms_on(html: str) -> list[dict]:
    reader = FormReader()
    reader.feed(html)
    return reader.forms


def numbers_out_of_range(form: dict, number: str) -> dict:
    kinds = form["kinds"]
    return {
        name: number if kinds[name] in ("select", "number") or (value.isdigit() and name != "csrf_token") else value
        for name, value in form["fields"].items()
    }


def dates_out_of_range(form: dict, far: str) -> dict:
    kinds = form["kinds"]
    return {
        name: (far if kinds[name] == "date" else f"{far}T12:00" if kinds[name] == "datetime-local" else value)
        for name, value in form["fields"].items()
    }


def pages_with_forms(client, world) -> list[tuple[str, dict]]:
    found = []
    for cases in MATRIX.values():
        case = cases[0]
        if case.method != "GET":
            continue
        url = case.url(world)
        response = client.get(url)
        if response.status_code == 200 and "text/html" in response.content_type:
            found += [(url, form) for form in forms_on(response.text)]
    return found


@pytest.mark.parametrize("role", ["learner", "mentor", "lead"])
def test_no_number_or_date_typed_into_a_form_gets_a_server_error(client, auth, world, role):
    auth.login(world.by_role(role))
    forms = pages_with_forms(client, world)
    assert forms, "the probe found no forms"
    dated = 0
    for page, form in forms:
        action = form["action"] or page
        probed = numbers_out_of_range(form, "0") != form["fields"] or "date" in "".join(form["kinds"].values())
        if not probed:
            continue  # nothing to bound (a button, a text): posting it would only change the world under test
        for number in HUGE_NUMBERS:
            response = client.post(action, data=numbers_out_of_range(form, number))
            assert response.status_code < 500, f"POST {action} (form of {page}) with {number}"
        if "date" not in "".join(form["kinds"].values()):
            continue
        dated += 1
        for far in FAR_DATES:
            response = client.post(action, data=dates_out_of_range(form, far))
            assert response.status_code < 500, f"POST {action} (form of {page}) with {far}"
            assert response.status_code != 302, f"POST {action} with {far} was taken"
            assert "Enter a date from Jan 1, 2000 to" in response.text, f"POST {action} with {far}: no message"
    assert dated or role == "learner", "the probe found no form with a date"


def test_the_window_is_the_programs_years():
    earliest, latest = date_window()
    assert earliest == date(2000, 1, 1)
    assert (latest.month, latest.day) == (12, 31)
    assert latest.year == program_today().year + 20


@pytest.mark.parametrize("value", ["0", "1", str(2**31 - 1)])
def test_an_id_a_column_holds_is_a_choice(value):
    assert coerce_id(value) == int(value)


@pytest.mark.parametrize("value", ["-1", str(2**31), "9" * 30, "x", ""])
def test_an_id_no_column_holds_is_no_choice(value):
    with pytest.raises(ValueError, match="valid"):
        coerce_id(value)


def test_a_cohort_with_an_out_of_range_program_is_refused_with_a_message(client, auth, world):
    auth.login(world.lead)
    data = {"program_id": "9" * 30, "name": "Cohort 9", "county": "Anxi"}
    response = client.post("/cohorts/new", data=data)
    assert response.status_code in (200, 400)
    assert "This field is required." in response.text
    assert db.session.scalar(select(Cohort).where(Cohort.name == "Cohort 9")) is None


@pytest.mark.parametrize("due_on", ["9999-12-31", "0001-01-01"])
def test_an_extension_far_outside_the_years_is_refused_and_nothing_is_saved(client, auth, world, due_on):
    auth.login(world.mentor_a)
    url = f"/submissions/extensions?learner={world.learner_a.id}"
    response = client.post(url, data={"lesson_id": world.courses_a.assignment.id, "due_on": due_on})
    assert response.status_code == 400
    assert "Enter a date from Jan 1, 2000 to Dec 31," in response.text
    assert db.session.scalars(select(Extension)).all() == []


def test_an_extension_before_the_usual_due_date_is_refused(client, auth, world):
    world.cohort_a.starts_on = date(2027, 3, 1)  # the assignment is due 14 days later
    db.session.commit()
    auth.login(world.mentor_a)
    url = f"/submissions/extensions?learner={world.learner_a.id}"
    response = client.post(url, data={"lesson_id": world.courses_a.assignment.id, "due_on": "2027-03-14"})
    assert response.status_code == 400
    assert "An extension gives a later due date: on or after Mar 15, 2027." in response.text
    assert db.session.scalars(select(Extension)).all() == []


class DateForm(BaseForm):
    day = BoundedDateField("Day")


def test_a_bounded_date_field_reads_a_far_date_as_none(app):
    with app.test_request_context(method="POST", data={"day": "9999-12-31"}):
        form = DateForm()
        assert form.day.data is None
        assert not form.validate()
        assert form.day.errors[0].startswith("Enter a date from")
