"""The starter course, "Sell your farm products with short videos", in Chinese and English.

Each language is one TOML file beside this module; ``import_course`` turns one into
a course with its modules, lessons, quiz questions and rubrics.
"""

import tomllib
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from lms.cohorts.models import Program
from lms.core.extensions import db
from lms.courses.models import Course, Lesson, Module, Option, Question, RubricCriterion

STARTER_DIR = Path(__file__).resolve().parent
LANGUAGES = ("zh_Hans", "en")


def starter_path(language: str) -> Path:
    return STARTER_DIR / f"{language}.toml"


def load_course_file(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def import_course(path: Path, program: Program, *, published: bool = True) -> tuple[Course, bool]:
    """Create the course described by ``path`` in ``program``; (course, created). Known slugs are left alone."""
    data = load_course_file(path)
    spec = data["course"]
    existing = db.session.scalar(select(Course).where(Course.slug == spec["slug"]))
    if existing is not None:
        return existing, False
    course = Course(
        program=program,
        slug=spec["slug"],
        title=spec["title"],
        summary=spec.get("summary", ""),
        language=spec["language"],
        estimated_minutes=spec.get("estimated_minutes", 0),
        sequential=spec.get("sequential", False),
        published=published,
    )
    for module_position, module_spec in enumerate(data["modules"]):
        module = Module(position=module_position, title=module_spec["title"], summary=module_spec.get("summary", ""))
        module.lessons = [
            build_lesson(position, lesson_spec, published)
            for position, lesson_spec in enumerate(module_spec["lessons"])
        ]
        course.modules.append(module)
    if spec.get("translation_of"):
        # The original, when it is installed already (the languages are installed original first).
        course.translation_of = db.session.scalar(select(Course).where(Course.slug == spec["translation_of"]))
    db.session.add(course)
    db.session.flush()
    return course, True


def build_lesson(position: int, spec: dict, published: bool) -> Lesson:
    kind = spec["kind"]
    lesson = Lesson(
        position=position,
        kind=kind,
        title=spec["title"],
        minutes=spec.get("minutes", 5),
        published=published,
        body=(spec.get("body") or spec.get("intro") or spec.get("instructions") or "").strip(),
        transcript=spec.get("transcript", "").strip(),
        duration_seconds=spec.get("duration_seconds"),
        pass_mark=spec.get("pass_mark", 70),
        attempts_allowed=spec.get("attempts_allowed", 0),
        due_days=spec.get("due_days"),
        accepts=",".join(spec.get("accepts", [])),
    )
    lesson.questions = [build_question(index, question) for index, question in enumerate(spec.get("questions", []))]
    lesson.rubric = [
        RubricCriterion(position=index, criterion=item["criterion"], points=item["points"])
        for index, item in enumerate(spec.get("rubric", []))
    ]
    return lesson


def build_question(position: int, spec: dict) -> Question:
    question = Question(
        position=position,
        kind=spec["kind"],
        prompt=spec["prompt"],
        points=spec.get("points", 1),
        answer=Decimal(spec["answer"]) if "answer" in spec else None,
        tolerance=Decimal(spec.get("tolerance", "0")),
        unit=spec.get("unit", ""),
        feedback_correct=spec.get("feedback_correct", ""),
        feedback_wrong=spec.get("feedback_wrong", ""),
    )
    question.options = [
        Option(
            position=index,
            text=option["text"],
            correct=option.get("correct", False),
            feedback=option.get("feedback", ""),
        )
        for index, option in enumerate(spec.get("options", []))
    ]
    return question


def video_captions(path: Path) -> dict[str, list[list]]:
    """Caption cues of each video lesson of a course file, by lesson title."""
    data = load_course_file(path)
    return {
        lesson["title"]: lesson.get("captions", [])
        for module in data["modules"]
        for lesson in module["lessons"]
        if lesson["kind"] == "video"
    }


def webvtt(cues: list[list]) -> str:
    """A WebVTT file for cues given as [start_seconds, end_seconds, text]."""

    def stamp(seconds: float) -> str:
        minutes, rest = divmod(float(seconds), 60)
        return f"00:{int(minutes):02d}:{rest:06.3f}"

    blocks = [f"{stamp(start)} --> {stamp(end)}\n{text}" for start, end, text in cues]
    return "WEBVTT\n\n" + "\n\n".join(blocks) + "\n"
