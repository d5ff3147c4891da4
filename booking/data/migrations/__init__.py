"""The Alembic migrations of the schema; ``versions/`` holds the revisions, run by ``env.py``."""
