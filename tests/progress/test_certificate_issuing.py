"""Certificates are issued once, by SQL facts: every published lesson of the course complete."""

import threading

import pytest
from sqlalchemy import delete, func, select

from lms.accounts.models import User
from lms.certificates import services
from lms.certificates.models import Certificate
from lms.cohorts.models import Program
from lms.core.extensions import db
from lms.courses.models import Course, Lesson
from lms.learning.services.completions import record_completion
from tests.factories import LeadFactory, LessonFactory


def certificates_of(learner) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.learner_id == learner.id)))


def published_lessons(course_set):
    return [course_set.reading, course_set.video, course_set.quiz, course_set.assignment]


def test_the_last_lesson_of_a_course_issues_its_certificate(world):
    course_set, learner = world.courses_a, world.learner_a
    *first, last = published_lessons(course_set)
    for lesson in first:
        record_completion(learner, lesson)
        assert certificates_of(learner) == []
    record_completion(learner, last)
    db.session.commit()
    [certificate] = certificates_of(learner)
    assert (certificate.kind, certificate.course_id, certificate.program_id) == ("course", course_set.course.id, None)
    assert (certificate.learner_name, certificate.title) == (learner.name, "Course A")
    assert len(certificate.code) == 20
    assert certificate.issued_at is not None
    assert not certificate.revoked


def test_no_certificate_while_a_published_lesson_is_missing(world):
    course_set, learner = world.courses_a, world.learner_a
    for lesson in [course_set.reading, course_set.video, course_set.quiz, course_set.draft]:
        record_completion(learner, lesson)  # the draft does not stand in for the assignment
    assert services.issue_course_certificate(learner, course_set.course) is None
    assert certificates_of(learner) == []


def test_a_lesson_published_later_is_needed_too(world):
    course_set, learner = world.courses_a, world.learner_a
    LessonFactory(module=course_set.module, title="Added later")
    for lesson in published_lessons(course_set):
        record_completion(learner, lesson)
    assert certificates_of(learner) == []


def test_a_course_without_published_lessons_earns_nothing(world):
    empty = LessonFactory(published=False).module.course
    assert services.issue_course_certificate(world.learner_a, empty) is None


def test_issuing_twice_gives_one_certificate(world):
    course_set, learner = world.courses_a, world.learner_a
    for lesson in published_lessons(course_set):
        record_completion(learner, lesson)
    first = services.issue_course_certificate(learner, course_set.course)
    second = services.issue_course_certificate(learner, course_set.course)
    db.session.commit()
    assert first.id == second.id
    assert len(certificates_of(learner)) == 1


def test_the_name_and_title_stay_as_issued(world):
    course_set, learner = world.courses_a, world.learner_a
    for lesson in published_lessons(course_set):
        record_completion(learner, lesson)
    db.session.commit()
    issued_as = learner.name
    learner.name = "Renamed"
    course_set.course.title = "Renamed course"
    db.session.commit()
    [certificate] = certificates_of(learner)
    assert (certificate.learner_name, certificate.title) == (issued_as, "Course A")


def in_parallel(app, work, count=4) -> list:
    """Run ``work()`` in ``count`` threads released together, each as one request with its own session."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                results.append(work())
                db.session.commit()
            except Exception as error:  # reported below, in the test's own thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(results) == count
    return results


def certificate_count(learner_id: int) -> int:
    return db.session.scalar(select(func.count(Certificate.id)).where(Certificate.learner_id == learner_id))


@pytest.mark.commits
def test_concurrent_issuing_gives_one_certificate(app, world):
    course_set, learner = world.courses_a, world.learner_a
    for lesson in published_lessons(course_set):
        record_completion(learner, lesson)
    db.session.execute(delete(Certificate))  # as if the course had been completed before certificates existed
    db.session.commit()
    learner_id, course_id = learner.id, course_set.course.id

    def issue():
        certificate = services.issue_course_certificate(
            db.session.get(User, learner_id), db.session.get(Course, course_id)
        )
        return certificate.code

    codes = in_parallel(app, issue)
    assert len(set(codes)) == 1
    assert certificate_count(learner_id) == 1


@pytest.mark.commits
def test_the_last_lesson_finished_in_two_tabs_at_once_gives_one_certificate(app, world):
    course_set, learner = world.courses_a, world.learner_a
    for lesson in published_lessons(course_set)[:-1]:
        record_completion(learner, lesson)
    db.session.commit()
    learner_id, last_id = learner.id, course_set.assignment.id

    def finish_last_lesson():
        return record_completion(db.session.get(User, learner_id), db.session.get(Lesson, last_id))

    assert sorted(in_parallel(app, finish_last_lesson)) == [False, False, False, True]
    assert certificate_count(learner_id) == 1


@pytest.mark.commits
def test_concurrent_graduation_gives_one_program_certificate(app, world):
    learner_id, program_id = world.learner_a.id, world.program.id

    def graduate():
        return services.issue_program_certificate(
            db.session.get(User, learner_id), db.session.get(Program, program_id)
        ).id

    assert len(set(in_parallel(app, graduate))) == 1
    assert certificate_count(learner_id) == 1


def test_a_program_certificate_is_issued_once_with_the_program_name(world):
    first = services.issue_program_certificate(world.learner_a, world.program)
    again = services.issue_program_certificate(world.learner_a, world.program)
    db.session.commit()
    assert first.id == again.id
    assert (first.kind, first.program_id, first.course_id, first.title) == (
        "program",
        world.program.id,
        None,
        world.program.name,
    )


def test_learner_certificates_are_their_own_newest_first(world):
    program_certificate = services.issue_program_certificate(world.learner_a, world.program)
    services.issue_program_certificate(world.learner_b, world.program)
    for lesson in published_lessons(world.courses_a):
        record_completion(world.learner_a, lesson)
    db.session.commit()
    titles = [c.title for c in db.session.scalars(services.learner_certificates(world.learner_a))]
    assert set(titles) == {"Course A", program_certificate.title}
    assert len(titles) == 2


def test_revoking_records_who_when_and_why_once(world):
    certificate = services.issue_program_certificate(world.learner_a, world.program)
    lead, other_lead = world.lead, LeadFactory()
    services.revoke_certificate(certificate, lead, "  Copied the business plan.  ")
    first_time = certificate.revoked_at
    services.revoke_certificate(certificate, other_lead, "Another reason")
    db.session.commit()
    assert certificate.revoked
    assert (certificate.revoked_at, certificate.revoked_by_id) == (first_time, lead.id)
    assert certificate.revoke_reason == "Copied the business plan."


def test_codes_are_cleaned_as_people_type_them():
    assert services.clean_code(" abcd-efgh 2345 ") == "ABCDEFGH2345"
    assert services.clean_code("ab0d1e8") == "ABODIEB"  # digits that codes never hold
    assert services.clean_code("ABC9") == ""
    assert services.clean_code("<script>") == ""
    assert services.clean_code("A" * 33) == ""
    assert services.display_code("ABCDEFGHIJ") == "ABCD EFGH IJ"
