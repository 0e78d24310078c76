"""Supply as bounds: each finding's lower and upper bound of the supplied quantity (issue 11).

Applied by Alembic from `reconciler.history.store`. Runs recorded before read back as lower = upper = supplied
(a finding whose source had failed, supplied NULL, has no bounds: NULL, NULL). Decimals are TEXT.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("supplied_lower", sa.Text(), nullable=True))
        batch.add_column(sa.Column("supplied_upper", sa.Text(), nullable=True))
    op.execute("UPDATE findings SET supplied_lower = supplied, supplied_upper = supplied")


def downgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.drop_column("supplied_upper")
        batch.drop_column("supplied_lower")
