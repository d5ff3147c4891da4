"""Schema revisions, one module each; Alembic reads them in order of ``down_revision``."""
