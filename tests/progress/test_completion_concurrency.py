"""Completion is recorded once, however many "mark done" requests arrive at the same moment."""

import threading

import pytest
from flask import Flask
from sqlalchemy import func, select

from lms.core.extensions import db
from lms.learning.models.completion import Completion
from lms.learning.services.completions import record_completion
from lms.learning.signals import lesson_completed

pytestmark = pytest.mark.commits  # requests run in threads of their own, each with its own connection

PARALLEL = 8


def run_together(work) -> list:
    """Run ``work(index)`` in PARALLEL threads released at the same instant; their results or exceptions."""
    barrier = threading.Barrier(PARALLEL)
    results: list = [None] * PARALLEL

    def run(index):
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def completion_count(learner, lesson) -> int:
    query = select(func.count(Completion.id)).where(
        Completion.learner_id == learner.id, Completion.lesson_id == lesson.id
    )
    return db.session.scalar(query)


def test_eight_concurrent_mark_done_requests_record_one_completion(app: Flask, client, auth, world):
    lesson = world.courses_a.reading
    auth.login(world.learner_a)
    session_cookie = client.get_cookie("session")
    clients = []
    for _ in range(PARALLEL):
        each = app.test_client()
        each.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        each.set_cookie(session_cookie.key, session_cookie.value)
        clients.append(each)

    def mark_done(index):
        # Half of them as the video script's background request, half as the button.
        headers = {"X-Requested-With": "fetch"} if index % 2 else {}
        with app.app_context():  # the thread's own context, as a server worker would have
            return clients[index].post(f"/lessons/{lesson.id}/done", headers=headers).status_code

    heard = []
    with lesson_completed.connected_to(lambda sender, **extra: heard.append(extra["lesson"].id)):
        statuses = run_together(mark_done)
    assert all(isinstance(status, int) for status in statuses), statuses
    assert sorted(statuses) == [204] * (PARALLEL // 2) + [302] * (PARALLEL // 2)
    assert completion_count(world.learner_a, lesson) == 1
    assert heard == [lesson.id]  # the signal went out once: a certificate or graduation check runs once


def test_concurrent_record_completion_calls_agree_on_one_winner(app: Flask, world):
    learner_id, lesson_id = world.learner_a.id, world.courses_a.video.id

    def record(_index):
        with app.app_context():
            learner = db.session.get(type(world.learner_a), learner_id)
            lesson = db.session.get(type(world.courses_a.video), lesson_id)
            recorded = record_completion(learner, lesson)
            db.session.commit()
            return recorded

    results = run_together(record)
    assert sorted(results, key=str) == [False] * (PARALLEL - 1) + [True], results
    assert completion_count(world.learner_a, world.courses_a.video) == 1
