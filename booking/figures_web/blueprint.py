"""The figures of the region for the regional council (and administrators): read only,
anonymous, no personal data on any of its pages."""

from flask import Blueprint

bp = Blueprint("figures", __name__)
