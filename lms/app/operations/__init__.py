"""For the operator's tools: liveness, readiness and metrics (not pages a person opens)."""

from flask import Blueprint

bp = Blueprint("operations", __name__)
