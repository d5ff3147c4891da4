"""Administrators' pages: every point's desk and the audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__)
