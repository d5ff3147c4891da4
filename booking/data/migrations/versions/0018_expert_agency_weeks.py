"""The agency's experts and their weeks, read from one index.

An agency's half of free times asks for the weeks of the agency's active experts
who do a service (``calendar_queries._experts_by_week``).  With only an index on
``agency_id``, PostgreSQL read the experts' rows from the table and joined them to
``expert_service`` by hashing: 0.54 ms for a national agency's 333 experts.  An
index on (agency, id, active, week) holds all the query reads of ``expert``, in
the order of the experts' ids, so PostgreSQL reads the index alone and merges it
with ``(service, expert)`` of ``expert_service``: 0.20 ms.  It replaces the index
on ``agency_id`` alone, of which it is a prefix.

Revision ID: 0018
Revises: 0017
"""

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_expert_agency", "expert", ["agency_id", "id", "active", "week"])
    op.drop_index("ix_expert_agency_id", table_name="expert")


def downgrade() -> None:
    op.create_index("ix_expert_agency_id", "expert", ["agency_id"])
    op.drop_index("ix_expert_agency", table_name="expert")
