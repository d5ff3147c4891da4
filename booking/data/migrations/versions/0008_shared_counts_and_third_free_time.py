"""Rate-limit counters in the database, so that every worker and server counts together;
the daily measure of how far ahead the third free time lies per point and agency;
the region's ``[figures]`` (whether advisors see the figures of their points); the
counted totals of months that are over, for the figures to read instead of every fact.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_counter",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("window_ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key_hash"),
    )
    op.create_index(
        "ix_rate_limit_counter_window_ends_at", "rate_limit_counter", ["window_ends_at"]
    )
    op.create_table(
        "third_free_time",
        sa.Column("measured_on", sa.Date(), nullable=False),
        sa.Column("point_id", sa.String(length=60), nullable=False),
        sa.Column("agency_id", sa.String(length=40), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("days_ahead", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("measured_on", "point_id", "agency_id"),
    )
    op.create_index(
        "ix_third_free_time_month", "third_free_time", ["month", "point_id", "agency_id"]
    )
    op.create_table(
        "figures_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("advisors_see_their_points", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "summarized_month",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.PrimaryKeyConstraint("month"),
    )
    op.create_table(
        "fact_month_totals",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("point_id", sa.String(length=60), nullable=False),
        sa.Column("agency_id", sa.String(length=40), nullable=False),
        sa.Column("service_id", sa.String(length=60), nullable=False),
        sa.Column("municipality_id", sa.String(length=40), nullable=False),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("month", "point_id", "agency_id", "service_id"),
    )


def downgrade() -> None:
    op.drop_table("fact_month_totals")
    op.drop_table("summarized_month")
    op.drop_table("figures_settings")
    op.drop_index("ix_third_free_time_month", table_name="third_free_time")
    op.drop_table("third_free_time")
    op.drop_index("ix_rate_limit_counter_window_ends_at", table_name="rate_limit_counter")
    op.drop_table("rate_limit_counter")
