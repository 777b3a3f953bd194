"""A program's product list, kept by its leads: add, change and remove products."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from lms.cohorts.models import Program
from lms.cohorts.policies import leads_program
from lms.core.extensions import db
from lms.core.forms import ActionForm
from lms.core.security import MANAGER_ROLES, require, roles_required
from lms.outcomes import bp
from lms.outcomes.follow_ups.forms import UNIT_LABELS
from lms.outcomes.models import Product
from lms.outcomes.products import services
from lms.outcomes.products.forms import ProductForm


def render_list(program: Program, form: ProductForm, status: int = 200):
    products = db.session.scalars(services.program_products(program)).all()
    page = render_template(
        "outcomes/products/list.html", program=program, products=products, form=form, unit_labels=UNIT_LABELS
    )
    return page, status


@bp.route("/programs/<int:program_id>/products", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def products(program_id: int):
    program = db.get_or_404(Program, program_id)
    require(leads_program(current_user, program.id), 404)
    form = ProductForm()
    if form.validate_on_submit():
        try:
            product = services.save_product(program, **form.values())
        except services.ProductRefused as refused:
            db.session.rollback()
            form.name.errors.append(refused.message)
            return render_list(program, form, 400)
        db.session.commit()
        flash(_("%(product)s added to the product list.", product=product.name))
        return redirect(url_for(".products", program_id=program.id))
    return render_list(program, form, 400 if form.errors else 200)


@bp.route("/products/<int:product_id>/edit", methods=["GET", "POST"])
@roles_required(*MANAGER_ROLES)
def edit_product(product_id: int):
    product = db.get_or_404(Product, product_id)
    require(leads_program(current_user, product.program_id), 404)
    program = db.session.get(Program, product.program_id)
    form = ProductForm(obj=product)
    if form.validate_on_submit():
        try:
            services.save_product(program, **form.values(), product=product)
        except services.ProductRefused as refused:
            db.session.rollback()
            form.name.errors.append(refused.message)
        else:
            db.session.commit()
            flash(_("%(product)s saved.", product=product.name))
            return redirect(url_for(".products", program_id=program.id))
    page = render_template("outcomes/products/edit.html", program=program, product=product, form=form)
    return page, 400 if form.errors else 200


@bp.route("/products/<int:product_id>/delete", methods=["POST"])
@roles_required(*MANAGER_ROLES)
def delete_product(product_id: int):
    product = db.get_or_404(Product, product_id)
    require(leads_program(current_user, product.program_id), 404)
    program_id, name = product.program_id, product.name
    if ActionForm().validate_on_submit():
        services.delete_product(product)
        db.session.commit()
        flash(_("%(product)s taken off the product list.", product=name))
    return redirect(url_for(".products", program_id=program_id))
