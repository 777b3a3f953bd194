"""Certificates: printable pages, public verification, revocation.

The world has no certificates: each case issues the one it needs (program
certificates, which need no finished course) when its URL is built.
"""

from lms.certificates.services import issue_program_certificate, revoke_certificate
from lms.core.extensions import db
from tests.permission_cases.common import MANAGER_ACTION, MANAGERS, Case, everyone, other_lead

UNKNOWN_CODE = "AAAAAAAAAAAAAAAAAAAA"
# Learner A's certificate: theirs, and their mentor's to see.
OWN_OR_MENTORED = everyone(200, anonymous=302)
# Learner B's (cohort B): hidden from learner A and from cohort A's mentor.
SOMEONE_ELSES = everyone(200, anonymous=302, learner=404, mentor=404)
PUBLIC_PAGE = everyone(200)


def certificate_code(pick_learner, revoked: bool = False):
    """A URL-builder's helper: the code of a (possibly revoked) program certificate of the picked learner."""

    def code(world) -> str:
        certificate = issue_program_certificate(pick_learner(world), world.program)
        if revoked:
            revoke_certificate(certificate, world.lead, "Issued by mistake.")
        db.session.commit()
        return certificate.code

    return code


code_a = certificate_code(lambda w: w.learner_a)
code_b = certificate_code(lambda w: w.learner_b)
revoked_code_b = certificate_code(lambda w: w.learner_b, revoked=True)

CASES: dict[str, list[Case]] = {
    "progress.certificates": [
        Case(lambda w: "/certificates", MANAGERS),
        Case(lambda w: f"/certificates?cohort={w.cohort_a.id}&course={w.courses_a.course.id}", MANAGERS),
    ],
    "progress.certificate": [
        Case(lambda w: f"/certificates/{code_a(w)}", other_lead(OWN_OR_MENTORED)),
        Case(lambda w: f"/certificates/{code_b(w)}", SOMEONE_ELSES),
        Case(lambda w: f"/certificates/{revoked_code_b(w)}", SOMEONE_ELSES),
        Case(lambda w: f"/certificates/{UNKNOWN_CODE}", everyone(404, anonymous=302)),
    ],
    "progress.revoke_certificate": [
        Case(
            lambda w: f"/certificates/{code_a(w)}/revoke",
            other_lead(MANAGER_ACTION),
            method="POST",
            data={"reason": "Copied."},
        ),
        # Without a reason nothing is revoked: back to the page with a message.
        Case(lambda w: f"/certificates/{code_b(w)}/revoke", MANAGER_ACTION, method="POST"),
        Case(
            lambda w: f"/certificates/{UNKNOWN_CODE}/revoke",
            everyone(404, anonymous=302, learner=403, mentor=403),
            method="POST",
            data={"reason": "Copied."},
        ),
    ],
    "progress.verify_form": [
        Case(lambda w: "/verify", PUBLIC_PAGE),
        # A well-formed code redirects to its page, for anyone (tests/progress/test_certificate_verify.py):
        # the matrix cannot say so, as it takes an anonymous 302 for "sign in first".
        Case(lambda w: "/verify?code=%3Cb%3E", PUBLIC_PAGE),  # not a code: the form says so
        Case(lambda w: "/verify", PUBLIC_PAGE, method="POST", data={"code": "0x!"}),
    ],
    "progress.verify": [
        Case(lambda w: f"/verify/{code_a(w)}", PUBLIC_PAGE),
        Case(lambda w: f"/verify/{code_a(w).lower()}", PUBLIC_PAGE),
        Case(lambda w: f"/verify/{revoked_code_b(w)}", everyone(410)),
        Case(lambda w: f"/verify/{UNKNOWN_CODE}", everyone(404)),
        Case(lambda w: "/verify/%00", everyone(404)),
    ],
}
