"""``/metrics`` for Prometheus: request counts and latency, and database and queue figures read when scraped.

Only a scraper with the token (``Authorization: Bearer …``) or from an allowed address reads it; anyone
else is told there is no such page.
"""

import hmac
import ipaddress

from flask import Response, abort, current_app, request
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from lms.app.operations import bp
from lms.core import queue
from lms.core.calendar import utcnow
from lms.core.extensions import db
from lms.core.metrics import CONTENT_TYPE_LATEST, process_metrics
from lms.core.security import public
from lms.courses.models import Lesson
from lms.media.models import VideoStatus
from lms.notifications.models import OutboxEmail


def may_read_metrics() -> bool:
    token = current_app.config["LMS_METRICS_TOKEN"]
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and hmac.compare_digest(offered.encode(), token.encode()):
        return True
    # Through a proxy the app was not told to trust, every client looks like the proxy's address.
    if current_app.config["LMS_TRUSTED_PROXIES"] == 0 and "X-Forwarded-For" in request.headers:
        return False
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(address in network for network in current_app.config["LMS_METRICS_ALLOW"])


class DatabaseFigures:
    """Read when scraped: the email outbox and the video conversions that failed."""

    def collect(self):
        waiting, oldest = db.session.execute(
            select(func.count(), func.min(OutboxEmail.created_at)).where(OutboxEmail.sent_at.is_(None))
        ).one()
        yield GaugeMetricFamily("lms_outbox_waiting", "Emails waiting in the outbox", value=waiting)
        age = (utcnow() - oldest).total_seconds() if oldest else 0
        yield GaugeMetricFamily("lms_outbox_oldest_age_seconds", "Age of the oldest email waiting", value=age)
        conversions = dict(
            db.session.execute(
                select(Lesson.video_status, func.count())
                .where(Lesson.video_status.in_([VideoStatus.FAILED, VideoStatus.PROCESSING]))
                .group_by(Lesson.video_status)
            ).all()
        )
        yield GaugeMetricFamily(
            "lms_video_conversions_failed",
            "Lesson videos whose conversion failed",
            value=conversions.get(VideoStatus.FAILED, 0),
        )
        yield GaugeMetricFamily(
            "lms_video_conversions_waiting",
            "Lesson videos waiting for or in conversion",
            value=conversions.get(VideoStatus.PROCESSING, 0),
        )


class QueueFigures:
    """Read when scraped: the jobs waiting for a worker and how long the next one has waited."""

    def collect(self):
        try:
            waiting, oldest = queue.waiting_jobs(), queue.oldest_waiting_seconds()
        except Exception:  # the storage does not answer: readiness says so; the other figures still go out
            current_app.logger.warning("the queue's storage did not answer for the metrics", exc_info=True)
            return
        yield GaugeMetricFamily("lms_queue_waiting", "Jobs waiting in the queue for a worker", value=waiting)
        yield GaugeMetricFamily(
            "lms_queue_oldest_age_seconds", "How long the next job to run has been waiting", value=oldest
        )


def database_figures() -> bytes:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(DatabaseFigures())
    registry.register(QueueFigures())
    return generate_latest(registry)


@bp.route("/metrics")
@public
def metrics():
    if not may_read_metrics():
        abort(404)
    body = process_metrics() + database_figures()
    db.session.rollback()
    return Response(body, content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
