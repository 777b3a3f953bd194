"""The lessons a cohort takes: the published lessons of the published courses offered to it.

Progress, the grid, due dates, graduation and the demo all count these; one join says which they are.
"""

from sqlalchemy import Select, and_

from lms.courses.models import CohortCourse, Course, Lesson, Module


def join_cohort_lessons(query: Select, cohort_column, required_only: bool = False) -> Select:
    """``query`` joined to the lessons the cohort in ``cohort_column`` takes (CohortCourse, Course, Module, Lesson).

    With ``required_only``, only its required courses' lessons; else ``CohortCourse.required`` tells them apart.
    """
    offered = CohortCourse.cohort_id == cohort_column
    if required_only:
        offered = and_(offered, CohortCourse.required.is_(True))
    return (
        query.join(CohortCourse, offered)
        .join(Course, and_(Course.id == CohortCourse.course_id, Course.published.is_(True)))
        .join(Module, Module.course_id == Course.id)
        .join(Lesson, and_(Lesson.module_id == Module.id, Lesson.published.is_(True)))
    )
