"""Flask extensions, created unbound and attached by ``create_app``."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from booking.web.proxies import client_address, session_identifier

babel = Babel()
csrf = CSRFProtect()
limiter = Limiter(key_func=client_address, default_limits=[])
login_manager = LoginManager()
# Flask-Login's own identifier believes any X-Forwarded-For; this is its hook for another.
login_manager._session_identifier_generator = session_identifier
