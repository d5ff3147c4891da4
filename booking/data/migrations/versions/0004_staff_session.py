"""Staff sessions that end on the server, and sign-in throttling per e-mail and address.

``staff_user.session_generation`` rises at each sign-out, ending every session
begun before it.  The account-wide lockout (``failed_logins``, ``locked_until``)
gives way to ``sign_in_throttle``, counted per (e-mail, client address).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "staff_user",
        sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"),
    )
    op.drop_column("staff_user", "failed_logins")
    op.drop_column("staff_user", "locked_until")
    op.create_table(
        "sign_in_throttle",
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key_hash"),
    )
    op.create_index("ix_sign_in_throttle_last_failed_at", "sign_in_throttle", ["last_failed_at"])


def downgrade() -> None:
    op.drop_index("ix_sign_in_throttle_last_failed_at", table_name="sign_in_throttle")
    op.drop_table("sign_in_throttle")
    op.add_column("staff_user", sa.Column("locked_until", sa.DateTime(timezone=True)))
    op.add_column(
        "staff_user",
        sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0"),
    )
    op.drop_column("staff_user", "session_generation")
