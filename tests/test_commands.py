"""The operator commands: seed-demo and create-user."""

import re
from pathlib import Path

from sqlalchemy import func, select

from lms.accounts.models import User
from lms.cohorts.invites.services import invite_problem
from lms.cohorts.models import Cohort, Enrollment, Program
from lms.core.calendar import program_today
from lms.core.extensions import db
from lms.core.roles import Role
from lms.courses.models import CohortCourse, Course, Lesson
from lms.learning.models import Submission
from lms.learning.services.completions import WAITING_FOR_REVIEW


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Program, Cohort, Enrollment, Course, Lesson, CohortCourse)
    }


def test_seed_demo_installs_a_program_and_twice_adds_nothing(app, client):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["lms", "seed-demo", "--password", "demo-pass-2027", "--no-videos"])
    assert first.exit_code == 0, first.output
    assert "lead@demo.example.org" in first.output
    assert "demo-pass-2027" in first.output
    seeded = counts()
    lessons = seeded.pop("Lesson")
    assert seeded == {"User": 27, "Program": 1, "Cohort": 3, "Enrollment": 24, "Course": 2, "CohortCourse": 6}
    assert lessons >= 30
    seeded["Lesson"] = lessons
    again = runner.invoke(args=["lms", "seed-demo", "--no-videos"])
    assert again.exit_code == 0, again.output
    assert "demo-pass-2027" in again.output  # the kept password, not a new one
    assert counts() == seeded
    jiang = db.session.scalar(select(User).where(User.phone == "+8613901000001"))
    assert (jiang.name, jiang.township, jiang.village) == ("江金春", "岑阳镇", "葛源村")
    counties = set(db.session.scalars(select(Cohort.county)))
    assert counties == {"横峰县", "于都县", "石城县"}
    assert all(len(cohort.mentors) == 1 for cohort in db.session.scalars(select(Cohort)))
    response = client.post("/login", data={"login": "13901000001", "password": "demo-pass-2027"})
    assert response.status_code == 302


def stage_logins(output: str) -> dict[str, str]:
    """The stage → mobile number lines that seed-demo prints."""
    found = re.findall(r"^  (mid-course|waiting for review|graduate, follow-up due) +\S+ +(\d{11})$", output, re.M)
    return dict(found)


def test_seed_demo_prints_a_learner_of_each_stage_and_the_invite_code_of_a_cohort_under_way(app, client):
    result = app.test_cli_runner().invoke(args=["lms", "seed-demo", "--password", "demo-pass-2027", "--no-videos"])
    assert result.exit_code == 0, result.output
    stages = stage_logins(result.output)
    assert set(stages) == {"mid-course", "waiting for review", "graduate, follow-up due"}
    pages = {}
    for stage, phone in stages.items():
        client.post("/login", data={"login": phone, "password": "demo-pass-2027"})
        pages[stage] = client.get("/").text
        client.post("/logout")
    assert "Continue where you left off" in pages["mid-course"]
    # Her module opened when she handed the work in (a course's default), so she goes on meanwhile.
    assert "Continue where you left off" in pages["waiting for review"]
    waiting = select(func.count(Submission.id)).join(User, User.id == Submission.learner_id)
    waiting = waiting.where(User.phone.endswith(stages["waiting for review"]), Submission.state.in_(WAITING_FOR_REVIEW))
    assert db.session.scalar(waiting) >= 1
    assert "Tell us how your business is doing" in pages["graduate, follow-up due"]
    code = re.search(r"Invite code of (\S+), under way: (\S+) \(join at /join/\2\)", result.output)
    cohort = db.session.scalar(select(Cohort).where(Cohort.invite_code == code.group(2)))
    assert cohort.name == code.group(1)
    assert cohort.starts_on <= program_today() <= cohort.ends_on
    assert invite_problem(cohort) is None  # the code still lets people join


def test_seed_demo_makes_a_random_password_when_none_is_given(app, client):
    (Path(app.instance_path) / "demo_password").unlink(missing_ok=True)
    result = app.test_cli_runner().invoke(args=["lms", "seed-demo", "--no-videos"])
    assert result.exit_code == 0, result.output
    password = re.search(r"password for all: (\S+)\)", result.output).group(1)
    assert len(password) >= 10
    assert client.post("/login", data={"login": "lead@demo.example.org", "password": password}).status_code == 302


def test_create_user_makes_an_account_of_any_role(app, client):
    result = app.test_cli_runner().invoke(
        args=[
            "lms",
            "create-user",
            "--role",
            "admin",
            "--name",
            "Ops",
            "--email",
            "ops@example.org",
            "--password",
            "long enough pass",
        ]
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.role).where(User.email == "ops@example.org")) == Role.ADMIN
    assert client.post("/login", data={"login": "ops@example.org", "password": "long enough pass"}).status_code == 302


def test_create_user_refuses_bad_input_without_writing(app):
    runner = app.test_cli_runner()
    base = ["lms", "create-user", "--role", "mentor", "--name", "M", "--password", "long enough pass"]
    assert runner.invoke(args=base).exit_code != 0
    assert runner.invoke(args=[*base, "--phone", "12345"]).exit_code != 0
    assert (
        runner.invoke(
            args=[
                "lms",
                "create-user",
                "--role",
                "mentor",
                "--name",
                "M",
                "--phone",
                "13800000099",
                "--password",
                "short",
            ]
        ).exit_code
        != 0
    )
    assert runner.invoke(args=[*base, "--role", "king", "--phone", "13800000099"]).exit_code != 0
    assert runner.invoke(args=[*base, "--phone", "13800000099"]).exit_code == 0
    duplicate = runner.invoke(args=[*base, "--phone", "138 0000 0099"])
    assert duplicate.exit_code != 0
    assert "already exists" in duplicate.output
    assert counts()["User"] == 1
