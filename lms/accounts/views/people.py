"""Accounts: the list, a new staff account, switching an account off and on again."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from lms.accounts import bp, policies, services
from lms.accounts.forms import ROLE_LABELS, NewAccountForm
from lms.accounts.models import User
from lms.accounts.two_factor import services as two_factor
from lms.core.extensions import db
from lms.core.forms import ActionForm
from lms.core.roles import Role
from lms.core.security import MANAGER_ROLES, require, roles_required
from lms.core.web import page_arg


@bp.route("/accounts")
@roles_required(*MANAGER_ROLES)
def accounts():
    role = request.args.get("role")
    role = role if role in ROLE_LABELS else None
    page = db.paginate(services.list_users(current_user, role), page=page_arg(), per_page=50, error_out=False)
    return render_template(
        "auth/accounts.html",
        page=page,
        role=role,
        role_labels=ROLE_LABELS,
        switchable=policies.switchable_ids(current_user, page.items),
        with_codes=two_factor.people_with_sign_in_codes(page.items),
    )


@bp.route("/accounts/new", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def new_account():
    roles = services.creatable_roles(current_user)
    require(bool(roles))
    form = NewAccountForm(roles)
    if form.validate_on_submit():
        user = services.create_user(
            name=form.name.data,
            role=form.role.data,
            password=form.password.data,
            email=form.email.data,
            phone=form.phone.data,
        )
        db.session.commit()
        flash(_("Account created for %(name)s. Give them their password in person.", name=user.name))
        return redirect(url_for("auth.accounts"))
    return render_template("auth/new_account.html", form=form)


@bp.route("/accounts/<int:user_id>/switch-off", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def switch_off(user_id: int):
    person = db.get_or_404(User, user_id)
    require(policies.can_switch_off(current_user, person))
    form = ActionForm()
    if form.validate_on_submit() and request.form.get("confirm") == "yes":
        services.switch_off_account(person, current_user._get_current_object())
        db.session.commit()
        flash(_("%(name)s's account is switched off and signed out everywhere.", name=person.name))
        return redirect(url_for("auth.accounts"))
    return render_template("auth/switch_off.html", person=person, role_labels=ROLE_LABELS)


@bp.route("/accounts/<int:user_id>/sign-out", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def sign_out_everywhere(user_id: int):
    person = db.get_or_404(User, user_id)
    require(policies.can_switch_off(current_user, person))
    if ActionForm().validate_on_submit():
        services.sign_out_everywhere(person, current_user._get_current_object())
        db.session.commit()
        flash(_("%(name)s is signed out on every phone and computer; the account stays on.", name=person.name))
    return redirect(url_for("auth.accounts"))


@bp.route("/accounts/sign-out-everyone", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def sign_out_everyone():
    if request.method == "POST" and ActionForm().validate_on_submit() and request.form.get("confirm") == "yes":
        ended = services.sign_out_everyone(current_user._get_current_object())
        db.session.commit()
        flash(
            ngettext(
                "%(num)d session ended: everyone else signs in again.",
                "%(num)d sessions ended: everyone else signs in again.",
                ended,
            )
        )
        return redirect(url_for("auth.accounts"))
    return render_template("auth/sign_out_everyone.html")


@bp.route("/accounts/<int:user_id>/switch-on", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def switch_on(user_id: int):
    person = db.get_or_404(User, user_id)
    require(policies.can_switch_off(current_user, person))
    if ActionForm().validate_on_submit():
        services.switch_on_account(person, current_user._get_current_object())
        db.session.commit()
        flash(_("%(name)s can sign in again.", name=person.name))
    return redirect(url_for("auth.accounts"))
