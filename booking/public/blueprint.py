"""The citizen's pages: points, services, free times, booking and managing a booking."""

from flask import Blueprint

bp = Blueprint("public", __name__, template_folder="../templates/public")
