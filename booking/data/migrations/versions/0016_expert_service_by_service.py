"""The experts who do a service, found by the service.

``expert_service`` had only its primary key (expert, service), so "the experts of
an agency who do this service" (every free-times computation of the agency's
half) read the whole table for the service's rows: 4,000 rows at national scale.
An index on (service, expert) reads just those.

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_expert_service_service", "expert_service", ["service_id", "expert_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_expert_service_service", table_name="expert_service")
