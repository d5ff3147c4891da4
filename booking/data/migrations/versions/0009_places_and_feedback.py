"""Where the places are, and the accessibility feedback.

Municipalities gain their postal codes and, like service points, a location
(latitude and longitude), so that a citizen finds the points nearest to her
postal code or municipality.  ``accessibility_feedback`` keeps what citizens
send with the accessibility statement's form.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("municipality") as table:
        table.add_column(sa.Column("postal_codes", sa.Text(), nullable=False, server_default=""))
        table.add_column(sa.Column("latitude", sa.Float()))
        table.add_column(sa.Column("longitude", sa.Float()))
    with op.batch_alter_table("service_point") as table:
        table.add_column(sa.Column("latitude", sa.Float()))
        table.add_column(sa.Column("longitude", sa.Float()))
    op.create_table(
        "accessibility_feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("page", sa.String(length=200), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("reply_to", sa.String(length=254)),
    )
    op.create_index(
        "ix_accessibility_feedback_received_at", "accessibility_feedback", ["received_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_accessibility_feedback_received_at", "accessibility_feedback")
    op.drop_table("accessibility_feedback")
    with op.batch_alter_table("service_point") as table:
        table.drop_column("longitude")
        table.drop_column("latitude")
    with op.batch_alter_table("municipality") as table:
        table.drop_column("longitude")
        table.drop_column("latitude")
        table.drop_column("postal_codes")
