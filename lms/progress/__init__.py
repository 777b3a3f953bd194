"""Progress: where each learner stands, for the learner and for those who help them."""

from flask import Blueprint

bp = Blueprint("progress", __name__)
