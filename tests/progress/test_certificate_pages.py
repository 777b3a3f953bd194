"""The printable certificate page, revocation, and the leads' list of certificates."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms.certificates import services
from lms.certificates.models import Certificate
from lms.core.extensions import db
from lms.learning.services.completions import record_completion
from tests.factories import CohortFactory, EnrollmentFactory, MentorFactory, UserFactory


def finish_course(learner, course_set) -> Certificate:
    for lesson in (course_set.reading, course_set.video, course_set.quiz, course_set.assignment):
        record_completion(learner, lesson)
    certificate = services.issue_course_certificate(learner, course_set.course)
    db.session.commit()
    return certificate


@pytest.fixture
def certificate(world) -> Certificate:
    return finish_course(world.learner_a, world.courses_a)


def main_part(html: str) -> str:
    return html.split('<main id="main">')[1].split("</main>")[0]


def test_the_owner_sees_a_printable_certificate(client, auth, world, certificate):
    auth.login(world.learner_a)
    response = client.get(f"/certificates/{certificate.code}")
    assert response.status_code == 200
    html = main_part(response.text)
    assert "Certificate of course completion" in html
    assert world.learner_a.name in html
    assert "Course A" in html
    assert f"Issued on {certificate.issued_at.strftime('%B')}" in html
    assert services.display_code(certificate.code) in html
    assert f'href="http://localhost/verify/{certificate.code}"' in html
    assert "<svg" in html
    assert "style=" not in response.text
    assert "Revoke" not in html  # leads only


def test_the_print_stylesheet_is_linked_from_the_certificate_page_only(client, auth, world, certificate):
    auth.login(world.learner_a)
    link = re.compile(r'<link rel="stylesheet" href="/static/print.css\?v=[0-9a-f]{12}" media="print">')
    assert link.search(client.get(f"/certificates/{certificate.code}").text)
    assert not link.search(client.get("/").text)
    stylesheet = client.get("/static/print.css")
    assert stylesheet.status_code == 200
    css = stylesheet.get_data(as_text=True)
    stylesheet.close()
    assert "size: A4 landscape" in css
    assert ".top" in css  # no header or navigation on paper


@pytest.mark.parametrize("who", ["owner", "mentor", "lead", "admin"])
def test_the_learner_their_mentor_and_managers_may_open_it(client, auth, world, certificate, who):
    person = {"owner": world.learner_a, "mentor": world.mentor_a, "lead": world.lead, "admin": world.admin}[who]
    auth.login(person)
    assert client.get(f"/certificates/{certificate.code}").status_code == 200


@pytest.mark.parametrize("who", ["other learner", "other cohort's mentor", "unassigned mentor"])
def test_others_get_not_found(client, auth, world, certificate, who):
    person = {
        "other learner": world.learner_b,
        "other cohort's mentor": world.mentor_b,
        "unassigned mentor": MentorFactory(),
    }[who]
    auth.login(person)
    assert client.get(f"/certificates/{certificate.code}").status_code == 404


def test_a_stranger_is_asked_to_sign_in(client, certificate):
    response = client.get(f"/certificates/{certificate.code}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_mentor_of_any_of_the_learners_cohorts_may_open_it(client, auth, world, certificate):
    second_cohort = CohortFactory(program=world.program)
    mentor = MentorFactory()
    second_cohort.mentors.append(mentor)
    EnrollmentFactory(cohort=second_cohort, learner=world.learner_a)
    auth.login(mentor)
    assert client.get(f"/certificates/{certificate.code}").status_code == 200


def test_a_lead_revokes_with_a_reason_and_everyone_sees_it_revoked(client, auth, world, certificate):
    auth.login(world.lead)
    response = client.post(f"/certificates/{certificate.code}/revoke", data={"reason": "Copied another's plan."})
    assert response.headers["Location"] == f"/certificates/{certificate.code}"
    db.session.refresh(certificate)
    assert certificate.revoked
    assert (certificate.revoked_by_id, certificate.revoke_reason) == (world.lead.id, "Copied another's plan.")
    lead_page = client.get(f"/certificates/{certificate.code}").text
    assert "Copied another&#39;s plan." in lead_page
    assert "This certificate was revoked on" in lead_page
    auth.logout()
    auth.login(world.learner_a)
    owner_page = main_part(client.get(f"/certificates/{certificate.code}").text)
    assert "This certificate was revoked on" in owner_page
    assert "Copied" not in owner_page  # the reason is for leads


def test_revoking_needs_a_reason(client, auth, world, certificate):
    auth.login(world.lead)
    for data in ({}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 1001}):
        response = client.post(f"/certificates/{certificate.code}/revoke", data=data)
        assert response.headers["Location"] == f"/certificates/{certificate.code}"
        assert "Write the reason for revoking this certificate." in client.get(response.headers["Location"]).text
    db.session.refresh(certificate)
    assert not certificate.revoked


@pytest.mark.parametrize("who", ["owner", "mentor"])
def test_only_leads_and_admins_may_revoke(client, auth, world, certificate, who):
    auth.login(world.learner_a if who == "owner" else world.mentor_a)
    response = client.post(f"/certificates/{certificate.code}/revoke", data={"reason": "Because."})
    assert response.status_code == 403
    db.session.refresh(certificate)
    assert not certificate.revoked


def test_revoking_twice_keeps_the_first_reason(client, auth, world, certificate):
    auth.login(world.admin)
    client.post(f"/certificates/{certificate.code}/revoke", data={"reason": "First."})
    client.post(f"/certificates/{certificate.code}/revoke", data={"reason": "Second."})
    assert "This certificate was already revoked." in client.get(f"/certificates/{certificate.code}").text
    db.session.refresh(certificate)
    assert certificate.revoke_reason == "First."


def test_the_page_follows_the_viewers_language(client, auth, world, certificate):
    world.learner_a.locale = "zh_Hans"
    db.session.commit()
    auth.login(world.learner_a)
    html = client.get(f"/certificates/{certificate.code}").text
    assert '<html lang="zh-Hans">' in html
    assert "课程结业证书" in html
    assert "兹证明" in html
    assert f"{certificate.issued_at.year}年" in html
    assert "验证码" in html


def test_a_program_certificate_names_the_program(client, auth, world):
    certificate = services.issue_program_certificate(world.learner_a, world.program)
    db.session.commit()
    auth.login(world.learner_a)
    html = client.get(f"/certificates/{certificate.code}").text
    assert "Certificate of graduation" in html
    assert world.program.name in html


def many_certificates(world, count: int) -> None:
    """``count`` program certificates for new learners of cohort A, a day apart, every third revoked."""
    for number in range(count):
        learner = EnrollmentFactory(cohort=world.cohort_a, learner=UserFactory()).learner
        certificate = services.issue_program_certificate(learner, world.program)
        certificate.issued_at = certificate.issued_at - timedelta(days=number)
        if number % 3 == 0:
            services.revoke_certificate(certificate, world.lead, "Checked.")
    db.session.commit()


def test_leads_list_every_certificate_newest_first_with_its_state(client, auth, world, certificate):
    other = finish_course(world.learner_b, world.courses_b)
    services.revoke_certificate(other, world.lead, "Checked.")
    other.issued_at = certificate.issued_at - timedelta(days=1)
    db.session.commit()
    auth.login(world.lead)
    html = main_part(client.get("/certificates").text)
    assert html.index(world.learner_a.name) < html.index(world.learner_b.name)
    assert "Valid" in html
    assert "Revoked" in html
    assert "2 certificates" in html


def test_leads_filter_by_cohort_and_course(client, auth, world, certificate):
    finish_course(world.learner_b, world.courses_b)
    auth.login(world.lead)
    by_cohort = main_part(client.get(f"/certificates?cohort={world.cohort_b.id}").text)
    assert world.learner_b.name in by_cohort
    assert world.learner_a.name not in by_cohort
    by_course = main_part(client.get(f"/certificates?course={world.courses_a.course.id}").text)
    assert world.learner_a.name in by_course
    assert world.learner_b.name not in by_course
    nothing = main_part(client.get(f"/certificates?cohort={world.cohort_a.id}&course={world.courses_b.course.id}").text)
    assert "No certificates yet." in nothing
    assert client.get("/certificates?cohort=abc&course=%00&page=-3").status_code == 200


def test_the_list_is_paginated(client, auth, world):
    many_certificates(world, 55)
    auth.login(world.lead)
    first = main_part(client.get("/certificates").text)
    assert first.count("<tr>") == 1 + 50
    assert "Page 1 of 2" in first
    second = main_part(client.get(f"/certificates?page=2&cohort={world.cohort_a.id}").text)
    assert second.count("<tr>") == 1 + 5
    assert f"cohort={world.cohort_a.id}" in second  # the filter stays on the page links


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_runs_the_same_queries_whatever_its_length(client, auth, world, count_queries, count):
    many_certificates(world, count)
    auth.login(world.lead)
    client.get("/certificates")  # warm up
    with count_queries() as queries:
        assert client.get("/certificates").status_code == 200
    # user, unread notifications and work to review (header), count, page, cohorts, courses
    assert len(queries) == 7


def test_learner_certificates_for_the_home_page(world, certificate):
    rows = db.session.scalars(services.learner_certificates(world.learner_a)).all()
    assert [row.code for row in rows] == [certificate.code]
    assert db.session.scalars(services.learner_certificates(world.learner_b)).all() == []
    assert db.session.scalar(select(Certificate.title).where(Certificate.id == certificate.id)) == "Course A"
