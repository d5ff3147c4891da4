"""Etävaraus: remote-service appointment booking for the joint service points of Central Finland.

The package is layered; each folder is one layer (``docs/architecture.md``).
Importing ``booking`` or its pure slot engine (``booking.engine``) loads neither
Flask nor SQLAlchemy; the web application is built by ``booking.app.create_app``.
"""
