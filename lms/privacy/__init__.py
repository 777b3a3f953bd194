"""A person's rights over her data: downloading all we hold about her, asking for deletion, anonymisation by a
lead, and each program's retention of evidence photos."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)
