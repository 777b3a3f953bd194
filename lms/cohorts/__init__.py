"""Cohorts: the people side of a program: enrolment, mentors, submissions and reviews, contact."""

from flask import Blueprint

bp = Blueprint("cohorts", __name__)
