"""Certificates: the learner's printable page, public verification, revocation."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from lms.certificates import services
from lms.certificates.forms import RevokeForm, VerifyForm
from lms.certificates.models import Certificate
from lms.cohorts.policies import can_view_learner
from lms.core.extensions import db, limiter
from lms.core.qr import qr_svg
from lms.core.security import MANAGER_ROLES, is_program_manager, public, require, roles_required, signed_in
from lms.core.web import external_url, id_arg, page_arg
from lms.progress import bp

# Enough for anyone checking certificates by hand; far too few to find a code by guessing
# (codes carry about 100 bits). Override with the LMS_VERIFY_LIMIT setting.
VERIFY_LIMIT = "60 per minute"
PER_PAGE = 50


def verify_limit() -> str:
    return current_app.config.get("LMS_VERIFY_LIMIT", VERIFY_LIMIT)


@bp.app_template_filter("certificate_code")
def certificate_code(code: str) -> str:
    return services.display_code(code)


def load_certificate(code: str) -> Certificate:
    """The certificate with this code, if the current person may see it; 404 otherwise."""
    certificate = services.find_certificate(code)
    require(certificate is not None, 404)
    require(can_view_learner(current_user, certificate.learner), 404)
    return certificate


@bp.route("/certificates")
@roles_required(*MANAGER_ROLES)
def certificates():
    cohort_id = id_arg("cohort")
    course_id = id_arg("course")
    page = db.paginate(
        services.all_certificates(current_user, cohort_id, course_id),
        page=page_arg(),
        per_page=PER_PAGE,
        error_out=False,
    )
    cohorts, courses = services.certificate_filters(current_user)
    return render_template(
        "progress/certificates/index.html",
        page=page,
        cohorts=cohorts,
        courses=courses,
        cohort_id=cohort_id,
        course_id=course_id,
    )


@bp.route("/certificates/<code>")
@signed_in
def certificate(code: str):
    certificate = load_certificate(code)
    verify_url = external_url("progress.verify", code=certificate.code)
    qr = Markup(qr_svg(services.verification_qr(verify_url)))  # noqa: S704 - segno's own SVG, no user text
    can_revoke = is_program_manager(current_user)
    return render_template(
        "progress/certificates/certificate.html",
        certificate=certificate,
        verify_url=verify_url,
        qr=qr,
        can_revoke=can_revoke,
        revoke_form=RevokeForm() if can_revoke else None,
    )


@bp.route("/certificates/<code>/revoke", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def revoke_certificate(code: str):
    certificate = load_certificate(code)
    form = RevokeForm()
    if form.validate_on_submit():
        if certificate.revoked:
            flash(_("This certificate was already revoked."))
        else:
            services.revoke_certificate(certificate, current_user, form.reason.data)
            db.session.commit()
            flash(_("Certificate revoked. Its verification page now says so."))
    else:
        flash(_("Write the reason for revoking this certificate."), "error")
    return redirect(url_for(".certificate", code=certificate.code))


verify_limiter = limiter.shared_limit(verify_limit, scope="certificate-verify")


@bp.route("/verify", methods=["GET", "POST"])
@public
@verify_limiter
def verify_form():
    # A typed code arrives by GET (the page's own form, no cookie needed) or by POST.
    if request.method == "POST":
        form = VerifyForm()
        submitted = True
    else:
        form = VerifyForm(request.args, meta={"csrf": False})
        submitted = "code" in request.args
    if submitted and form.validate():
        return redirect(url_for(".verify", code=form.cleaned_code))
    return render_template("progress/certificates/verify_form.html", form=form)


@bp.route("/verify/<code>")
@public
@verify_limiter
def verify(code: str):
    certificate = services.find_certificate(code)
    if certificate is None:
        return render_template("progress/certificates/verify_unknown.html", form=VerifyForm(meta={"csrf": False})), 404
    if certificate.revoked:
        # 410 Gone: the code was real, the certificate is withdrawn (tests/progress/test_certificate_verify.py).
        return render_template("progress/certificates/verify.html", certificate=certificate), 410
    return render_template("progress/certificates/verify.html", certificate=certificate)
