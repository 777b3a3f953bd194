"""What learners have recorded on course content, as the learning area above reports it.

Authoring keeps what learners have finished or answered (it unpublishes instead of deleting) and
shows how many finished each lesson. The records live in the learning area, which registers these
queries when it is imported; courses never import it.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RecordQueries:
    lesson_progress: Callable  # lesson -> (completions, quiz attempts, submissions)
    lessons_with_progress: Callable  # lesson ids -> the ids with a completion, an attempt or a submission
    completion_counts: Callable  # course -> {lesson id: learners who finished it}
    question_answer_count: Callable  # question -> answers given over all attempts
    chosen_option_ids: Callable  # option ids -> the ids some learner picked


_registered: list[RecordQueries] = []


def register_record_queries(queries: RecordQueries) -> None:
    """Called once by the learning area: the queries that answer for learners' records."""
    _registered[:] = [queries]


def record_queries() -> RecordQueries:
    """The registered queries; the app always loads the learning area, so one is there."""
    if not _registered:
        raise RuntimeError("no learner records registered: the learning area is not loaded")
    return _registered[0]
