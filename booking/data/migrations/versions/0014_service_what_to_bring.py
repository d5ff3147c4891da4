"""What to bring to a service's call, and whether a point is shown online.

Services gain a text per language (fi, sv, en) telling the citizen what to
bring; empty by default.  Service points gain ``online``: a hidden point is
not offered to citizens on the site or in the API, while the desk keeps
booking there.  Every point already there stays shown.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

LANGUAGES = ("fi", "sv", "en")


def upgrade() -> None:
    with op.batch_alter_table("service") as table:
        for language in LANGUAGES:
            table.add_column(
                sa.Column(f"what_to_bring_{language}", sa.Text(), nullable=False, server_default="")
            )
    with op.batch_alter_table("service_point") as table:
        table.add_column(
            sa.Column("online", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("service_point") as table:
        table.drop_column("online")
    with op.batch_alter_table("service") as table:
        for language in LANGUAGES:
            table.drop_column(f"what_to_bring_{language}")
