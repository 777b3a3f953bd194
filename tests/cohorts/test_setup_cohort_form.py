"""The cohort form: region, poverty county, capacity, graduation rules; all shown on the cohort page."""

from sqlalchemy import select

from lms.cohorts.models import Cohort
from lms.core.extensions import db
from tests.factories import CohortCourseFactory, CourseFactory, LessonFactory, ModuleFactory

FULL = {
    "name": "Spring intake",
    "province": "江西省",
    "city": "上饶市",
    "county": "横峰县",
    "township": "岑阳镇",
    "poverty_county": "y",
    "starts_on": "2028-03-01",
    "ends_on": "2028-06-30",
    "capacity": "40",
    "rule_courses": "y",
    "rule_baseline": "y",
}


def test_lead_creates_a_cohort_with_every_setting(client, auth, world):
    auth.login(world.lead)
    response = client.post("/cohorts/new", data={"program_id": world.program.id, **FULL})
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "Spring intake"))
    assert response.headers["Location"] == f"/cohorts/{cohort.id}"
    assert (cohort.township, cohort.poverty_county, cohort.capacity) == ("岑阳镇", True, 40)
    assert (cohort.rule_courses, cohort.rule_assignments, cohort.rule_baseline) == (True, False, True)
    page = client.get(f"/cohorts/{cohort.id}").text
    for text in ("岑阳镇", "National-level poverty-stricken county", "0 of 40 places taken", "Every required course"):
        assert text in page
    assert "Every required assignment accepted" not in page


def test_lead_edits_a_cohort_and_picks_the_business_plan_among_offered_assignments(client, auth, world):
    auth.login(world.lead)
    cohort = world.cohort_a
    plan = world.courses_a.assignment
    page = client.get(f"/cohorts/{cohort.id}/edit").text
    assert plan.title in page
    assert world.courses_b.assignment.title not in page  # not offered to cohort A
    assert world.courses_a.reading.title not in page  # not an assignment
    response = client.post(
        f"/cohorts/{cohort.id}/edit", data={**FULL, "name": "Cohort A", "rule_business_plan_lesson_id": plan.id}
    )
    assert response.headers["Location"] == f"/cohorts/{cohort.id}"
    db.session.refresh(cohort)
    assert cohort.rule_business_plan_lesson_id == plan.id
    assert cohort.program_id == world.program.id
    page = client.get(f"/cohorts/{cohort.id}").text
    assert f"Business plan accepted: {plan.title}" in page
    # The offered courses are listed with links.
    assert f"/manage/courses/{world.courses_a.course.id}" in page
    client.post(f"/cohorts/{cohort.id}/edit", data={**FULL, "name": "Cohort A", "rule_business_plan_lesson_id": "0"})
    db.session.refresh(cohort)
    assert cohort.rule_business_plan_lesson_id is None


def test_edit_refuses_bad_values_and_changes_nothing(client, auth, world):
    auth.login(world.lead)
    cohort = world.cohort_a
    other_assignment = LessonFactory(module=ModuleFactory(course=CourseFactory()), kind="assignment")
    cases = [
        ({"capacity": "0"}, "Enter a number above 0"),
        ({"capacity": "-5"}, "Enter a number above 0"),
        ({"capacity": "many"}, "Not a valid integer value"),
        ({"name": "Cohort B"}, "already has a cohort with this name"),
        ({"rule_business_plan_lesson_id": str(other_assignment.id)}, "Not a valid choice"),
        ({"ends_on": "2028-01-01"}, "end date must be after"),
    ]
    for changes, message in cases:
        response = client.post(f"/cohorts/{cohort.id}/edit", data={**FULL, "name": "Cohort A", **changes})
        assert response.status_code == 200, changes
        assert message in response.text, changes
    db.session.refresh(cohort)
    assert cohort.capacity is None
    assert cohort.township == ""


def test_mentor_sees_the_cohort_page_without_the_lead_tools(client, auth, world):
    CohortCourseFactory(cohort=world.cohort_a, course=CourseFactory(program=world.program, title="Extra course"))
    auth.login(world.mentor_a)
    page = client.get(f"/cohorts/{world.cohort_a.id}").text
    assert "Extra course" in page
    assert f"/courses/{world.courses_a.course.id}" in page
    assert world.cohort_a.invite_code not in page
    assert "/edit" not in page
    assert "/withdraw" not in page
