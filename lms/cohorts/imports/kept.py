"""An import kept between requests under a random token (never in the client), and run by the job queue.

Rows, not files on one machine: whichever app node answers the next request, and whichever worker runs the
import, finds them. A token's row goes ``file`` (previewed) → ``queued`` (confirmed) → ``done`` or ``refused``.
Each kind of import registers how it is run (``register_import``): enrolling learners here, recording
follow-ups in outcomes.
"""

import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, delete, or_, select, update

from lms.accounts.models import User
from lms.cohorts.models import KeptImport
from lms.core.calendar import utcnow
from lms.core.errors import UserFacingError
from lms.core.extensions import db
from lms.core.i18n import in_language_of

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")
UPLOAD_LIFETIME_SECONDS = 24 * 60 * 60
# What an import gave (setup codes among it) is shown for this long, then only the codes' hashes remain.
RESULT_LIFETIME_SECONDS = 60 * 60
FILE, QUEUED, DONE, REFUSED = "file", "queued", "done", "refused"
ENDED = (DONE, REFUSED)

# How a kind of import is run: (the file, the lead, what the confirmation said) -> what it gave, as JSON.
# It writes everything or raises a UserFacingError, having written nothing.
Runner = Callable[[bytes, User, dict], dict]
RUNNERS: dict[str, Runner] = {}


def register_import(kind: str, runner: Runner) -> None:
    RUNNERS[kind] = runner


def valid(token: str | None) -> bool:
    return bool(token) and TOKEN_PATTERN.match(token) is not None


def fresh(kind: str):
    lifetime = RESULT_LIFETIME_SECONDS if kind in ENDED else UPLOAD_LIFETIME_SECONDS
    return and_(KeptImport.kind == kind, KeptImport.created_at >= utcnow() - timedelta(seconds=lifetime))


def sweep_old_kept(replacing: str | None = None) -> None:
    """Delete what imports nobody finished left behind, and the file ``replacing`` names, in one statement."""
    now = utcnow()
    expired = or_(
        KeptImport.created_at < now - timedelta(seconds=UPLOAD_LIFETIME_SECONDS),
        and_(KeptImport.kind.in_(ENDED), KeptImport.created_at < now - timedelta(seconds=RESULT_LIFETIME_SECONDS)),
    )
    if valid(replacing):
        expired = or_(expired, and_(KeptImport.token == replacing, KeptImport.kind == FILE))
    db.session.execute(delete(KeptImport).where(expired))


def keep(token: str, kind: str, data: bytes, job: dict | None = None) -> None:
    db.session.add(KeptImport(token=token, kind=kind, content=data, job=json.dumps(job or {})))
    db.session.flush()


def keep_upload(data: bytes, replacing: str | None = None, facts: dict | None = None) -> str:
    """Keep an uploaded file under a new random token, which only the lead's session holds; forget ``replacing``.

    ``facts``: what its preview found that its confirmation must know (``upload_facts``)."""
    sweep_old_kept(replacing)
    token = secrets.token_urlsafe(24)
    keep(token, FILE, data, facts)
    return token


def load_upload(token: str | None) -> bytes | None:
    """The kept file of this token, or None when it is gone (confirmed, too old, never there)."""
    if not valid(token):
        return None
    return db.session.scalar(select(KeptImport.content).where(KeptImport.token == token, fresh(FILE)))


def upload_facts(token: str | None) -> dict:
    if not valid(token):
        return {}
    facts = db.session.scalar(select(KeptImport.job).where(KeptImport.token == token, fresh(FILE)))
    return json.loads(facts) if facts else {}


def queue_import(token: str | None, kind: str, lead: User, parameters: dict) -> bool:
    """Confirm the previewed file of this token: it waits for the queue. Once only (a second confirmation of
    the same preview, or one on another node, finds no file); False when there is none."""
    if not valid(token):
        return False
    job = json.dumps({"kind": kind, "lead": lead.id, "parameters": parameters})
    claimed = db.session.execute(
        update(KeptImport)
        .where(KeptImport.token == token, fresh(FILE))
        .values(kind=QUEUED, job=job, created_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1


def waiting_imports(older_than: timedelta) -> list[str]:
    """Tokens of confirmed imports that have waited this long: their job was lost (a worker stopped)."""
    return list(
        db.session.scalars(select(KeptImport.token).where(fresh(QUEUED), KeptImport.created_at < utcnow() - older_than))
    )


def run_import(token: str) -> str | None:
    """Run the confirmed import of this token, all or nothing, and keep what it gave or why it refused; commits.

    Returns the state it ended in, or None when there was nothing to run (another worker ran it)."""
    waiting = db.session.execute(
        select(KeptImport.content, KeptImport.job).where(KeptImport.token == token, fresh(QUEUED))
    ).one_or_none()
    if waiting is None:
        return None
    # Taken by deleting it: a second worker running the same import waits for this one's commit and finds
    # nothing; a worker stopped midway rolls back, and the file waits again.
    if db.session.execute(delete(KeptImport).where(KeptImport.token == token, fresh(QUEUED))).rowcount != 1:
        db.session.rollback()
        return None
    job = json.loads(waiting.job)
    lead = db.session.get(User, job["lead"])
    runner = RUNNERS[job["kind"]]
    with in_language_of(lead):
        try:
            if lead is None or not lead.is_active:
                raise UserFacingError(_("Nothing was written: the account that confirmed the import is closed."))
            with db.session.begin_nested():
                result = runner(waiting.content, lead, job["parameters"])
        except UserFacingError as refused:
            keep(token, REFUSED, str(refused.message).encode(), {"kind": job["kind"]})
            state = REFUSED
        else:
            keep(token, DONE, json.dumps(result, ensure_ascii=False).encode(), {"kind": job["kind"]})
            state = DONE
    db.session.commit()
    return state


@dataclass
class ImportState:
    """Where a confirmed import stands: ``queued``, ``done`` (``result``) or ``refused`` (``message``)."""

    state: str
    result: dict | None = None
    message: str | None = None


def import_state(token: str | None) -> ImportState | None:
    """The confirmed import of this token, or None when there is none (any more)."""
    if not valid(token):
        return None
    row = db.session.execute(
        select(KeptImport.kind, KeptImport.content).where(
            KeptImport.token == token, or_(fresh(QUEUED), fresh(DONE), fresh(REFUSED))
        )
    ).first()
    if row is None:
        return None
    if row.kind == DONE:
        return ImportState(DONE, result=json.loads(row.content))
    if row.kind == REFUSED:
        return ImportState(REFUSED, message=row.content.decode())
    return ImportState(QUEUED)


def discard(token: str | None) -> None:
    """Forget what is kept under this token: its file, or what its import gave (its codes); never an import that
    waits for the queue."""
    if valid(token):
        db.session.execute(delete(KeptImport).where(KeptImport.token == token, KeptImport.kind != QUEUED))
