"""The cohort progress grid and its CSV export: right numbers, sortable, same query count at any size."""

import csv
import io
from datetime import UTC, datetime, timedelta

from lms.core.extensions import db
from lms.learning.models.completion import Completion
from lms.learning.services.completions import record_completion
from tests.factories import (
    CohortCourseFactory,
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    LessonFactory,
    MentorFactory,
    ModuleFactory,
    ProgramFactory,
)


def build(learner_count: int, module_count: int):
    """A cohort with a mentor, one course of ``module_count`` modules of 3 lessons, learners part way through."""
    program = ProgramFactory()
    cohort = CohortFactory(program=program)
    mentor = MentorFactory()
    cohort.mentors.append(mentor)
    course = CourseFactory(program=program)
    CohortCourseFactory(cohort=cohort, course=course)
    lessons = [LessonFactory(module=ModuleFactory(course=course)) for _ in range(module_count) for _ in range(3)]
    # An optional course beside it: shown apart, outside the total.
    optional = LessonFactory(module=ModuleFactory(course=CourseFactory(program=program)))
    CohortCourseFactory(cohort=cohort, course=optional.module.course, required=False)
    learners = [EnrollmentFactory(cohort=cohort).learner for _ in range(learner_count)]
    db.session.commit()
    for index, learner in enumerate(learners):
        for lesson in lessons[: index % len(lessons)] + [optional] * (index % 2):
            record_completion(learner, lesson)
    db.session.commit()
    return cohort, mentor, learners


def test_grid_query_count_does_not_grow_with_learners_or_modules(client, auth, count_queries):
    counts = {}
    for learners, modules in [(4, 2), (24, 2), (4, 6), (24, 6)]:
        cohort, mentor, _ = build(learners, modules)
        auth.login(mentor)
        for url in (f"/cohorts/{cohort.id}/progress?sort=total&order=desc", f"/cohorts/{cohort.id}/progress.csv"):
            with count_queries() as queries:
                response = client.get(url)
            assert response.status_code == 200
            counts[(url.split("/")[-1].split("?")[0], learners, modules)] = len(queries)
        auth.logout()
    assert len({count for key, count in counts.items() if key[0] == "progress"}) == 1, counts
    assert len({count for key, count in counts.items() if key[0] == "progress.csv"}) == 1, counts


def test_a_cohort_of_200_learners_is_one_page(client, auth):
    cohort, mentor, learners = build(200, 2)
    auth.login(mentor)
    html = client.get(f"/cohorts/{cohort.id}/progress").get_data(as_text=True)
    assert all(f"/learners/{learner.id}" in html for learner in learners)


def test_cells_show_done_partial_and_empty(client, auth, world):
    a = world.courses_a
    second = ModuleFactory(course=a.course, title="Selling online")
    LessonFactory(module=second)
    record_completion(world.learner_a, a.reading)
    record_completion(world.learner_a, a.draft)  # drafts are not counted
    db.session.commit()
    auth.login(world.mentor_a)
    html = client.get(f"/cohorts/{world.cohort_a.id}/progress").get_data(as_text=True)
    row = html.split(f"/learners/{world.learner_a.id}")[1].split("</tr>")[0]
    assert "<td>1/4</td><td></td>" in row
    assert "20%" in row  # 1 of 5 published lessons
    assert "Selling online" in html
    assert "1.2" in html
    record_completion(world.learner_a, a.video)
    record_completion(world.learner_a, a.quiz)
    record_completion(world.learner_a, a.assignment)
    db.session.commit()
    html = client.get(f"/cohorts/{world.cohort_a.id}/progress").get_data(as_text=True)
    row = html.split(f"/learners/{world.learner_a.id}")[1].split("</tr>")[0]
    assert "✓" in row
    assert "80%" in row


def sorted_names(client, cohort, query: str) -> list[str]:
    html = client.get(f"/cohorts/{cohort.id}/progress{query}").get_data(as_text=True)
    body = html.split("<tbody>")[1]
    return [part.split(">", 1)[1].split("<", 1)[0] for part in body.split('<th scope="row"><a ')[1:]]


def test_grid_sorts_by_name_total_and_last_activity(client, auth, world):
    cohort = world.cohort_a
    learners = {name: EnrollmentFactory(cohort=cohort, learner__name=name).learner for name in ("Bo", "Cai", "An")}
    learners["Cai"].last_login_at = datetime(2026, 1, 4, tzinfo=UTC)
    learners["An"].last_login_at = datetime(2026, 1, 1, tzinfo=UTC)
    record_completion(learners["Bo"], world.courses_a.reading)
    record_completion(learners["Bo"], world.courses_a.video)
    db.session.add(
        Completion(
            learner=learners["Cai"], lesson=world.courses_a.reading, completed_at=datetime(2026, 1, 5, tzinfo=UTC)
        )
    )
    db.session.commit()
    auth.login(world.mentor_a)
    first = world.learner_a.name
    assert sorted_names(client, cohort, "") == sorted(["An", "Bo", "Cai", first])
    assert sorted_names(client, cohort, "?sort=name&order=desc") == sorted(["An", "Bo", "Cai", first], reverse=True)
    assert sorted_names(client, cohort, "?sort=total&order=desc")[:2] == ["Bo", "Cai"]
    assert sorted_names(client, cohort, "?sort=total&order=asc")[-2:] == ["Cai", "Bo"]
    # Bo finished lessons just now, Cai one on 5 January, An on 1 January; the never-active come last.
    assert sorted_names(client, cohort, "?sort=activity&order=desc") == ["Bo", "Cai", "An", first]
    assert sorted_names(client, cohort, "?sort=activity&order=asc") == ["An", "Cai", "Bo", first]
    for junk in ("?sort=%00&order=sideways", "?sort=" + "x" * 500, "?order=desc&sort=total&sort=name"):
        assert client.get(f"/cohorts/{cohort.id}/progress{junk}").status_code == 200


def test_csv_export_has_the_grid_numbers(client, auth, world):
    learner = world.learner_a
    learner.name, learner.township, learner.village = "=HYPERLINK(1)", "姚家乡", "上坑村"
    record_completion(learner, world.courses_a.reading)
    db.session.commit()
    auth.login(world.mentor_a)
    response = client.get(f"/cohorts/{world.cohort_a.id}/progress.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"cohort-{world.cohort_a.id}-progress-" in disposition
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:4] == ["Name", "Mobile number", "Township", "Village"]
    assert rows[0][4].startswith("1.1 Course A")
    assert rows[0][-2:] == ["Total %", "Last activity"]
    assert len(rows) == 2
    name, phone, township, village, module, total, last = rows[1]
    assert name == "'=HYPERLINK(1)"  # a spreadsheet shows it, and does not run it
    assert (phone, township, village, module, total) == (learner.phone, "姚家乡", "上坑村", "1/4", "25")
    moment = datetime.fromisoformat(last)
    assert moment.utcoffset() == timedelta(hours=8)  # Asia/Shanghai, the program's time zone
    assert abs(datetime.now(UTC) - moment) < timedelta(minutes=5)


def test_grid_of_a_cohort_without_courses_or_learners(client, auth, world):
    empty = CohortFactory(program=world.program)
    db.session.commit()
    auth.login(world.lead)
    assert "No learner has joined yet" in client.get(f"/cohorts/{empty.id}/progress").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(client.get(f"/cohorts/{empty.id}/progress.csv").get_data().decode("utf-8-sig"))))
    assert rows == [["Name", "Mobile number", "Township", "Village", "Total %", "Last activity"]]


def grid_row(html: str, learner) -> str:
    return html.split(f"/learners/{learner.id}")[1].split("</tr>")[0]


def test_the_total_is_over_required_courses_as_on_the_learner_page(client, auth, world):
    a = world.courses_a
    # Named to sort first: the required course still comes first, the optional one apart after it.
    optional = LessonFactory(module=ModuleFactory(course=CourseFactory(program=world.program, title="Aa extras")))
    CohortCourseFactory(cohort=world.cohort_a, course=optional.module.course, required=False)
    other = EnrollmentFactory(cohort=world.cohort_a, learner__name="Only optional").learner
    record_completion(other, optional)
    for lesson in (a.reading, a.video, a.quiz, a.assignment):
        record_completion(world.learner_a, lesson)
    db.session.commit()
    auth.login(world.mentor_a)
    html = client.get(f"/cohorts/{world.cohort_a.id}/progress?sort=total&order=desc").get_data(as_text=True)
    assert "Required courses" in html
    assert "Optional courses, not in the total" in html
    assert html.index("Course A: first module") < html.index("Aa extras")
    row = grid_row(html, world.learner_a)
    assert "<td>✓</td>" in row  # course A, module 1.1
    assert "100%" in row  # every required lesson, though the optional course is untouched
    assert '<td class="optional optional-first"></td>' in row
    row = grid_row(html, other)
    assert '<td class="optional optional-first">✓</td>' in row
    assert "<td>0%</td>" in row  # optional lessons alone count for nothing
    assert html.index(f"/learners/{world.learner_a.id}") < html.index(f"/learners/{other.id}")
    learner_page = client.get(f"/learners/{world.learner_a.id}").get_data(as_text=True)
    assert "Required courses: 100% done" in learner_page

    rows = list(csv.reader(io.StringIO(client.get(f"/cohorts/{world.cohort_a.id}/progress.csv").text)))
    header = rows[0]
    assert header[4].startswith("1.1 Course A")
    assert header[5] == "2.1 Aa extras / " + optional.module.title + " (optional course, not in the total)"
    assert header[-2:] == ["Total %", "Last activity"]
    totals = {row[0]: row[-2] for row in rows[1:]}
    assert totals == {world.learner_a.name: "100", "Only optional": "0"}


def test_a_grid_of_required_courses_only_has_one_header_row(client, auth, world):
    auth.login(world.mentor_a)
    html = client.get(f"/cohorts/{world.cohort_a.id}/progress").get_data(as_text=True)
    assert html.split("<thead>")[1].split("</thead>")[0].count("<tr>") == 1
    assert "Optional courses" not in html


def test_a_grid_of_optional_courses_only_totals_nothing(client, auth, world):
    cohort = CohortFactory(program=world.program)
    cohort.mentors.append(world.mentor_a)
    learner = EnrollmentFactory(cohort=cohort).learner
    lesson = LessonFactory(module=ModuleFactory(course=CourseFactory(program=world.program)))
    CohortCourseFactory(cohort=cohort, course=lesson.module.course, required=False)
    record_completion(learner, lesson)
    db.session.commit()
    auth.login(world.mentor_a)
    html = client.get(f"/cohorts/{cohort.id}/progress").get_data(as_text=True)
    assert "Required courses" not in html
    row = " ".join(grid_row(html, learner).split())
    assert '<td>0%</td> <td class="optional optional-first">✓</td>' in row
