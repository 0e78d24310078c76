"""The first history schema: one row per recorded check (runs) and one per line item of it (findings).

Applied by Alembic from `reconciler.history.store`; decimals are TEXT, instants ISO 8601 TEXT with their offset.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("recorded_at", sa.Text(), nullable=False),
        sa.Column("now", sa.Text(), nullable=False),
        sa.Column("observed_at", sa.Text(), nullable=False),
        sa.Column("format_version", sa.Integer(), nullable=False),
        sa.Column("contract_title_zh", sa.Text(), nullable=False),
        sa.Column("contract_title_en", sa.Text(), nullable=False),
        sa.Column("contract_total", sa.Text(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("exit_code", sa.Integer(), nullable=False),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "findings",
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("line_item", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("entitled", sa.Text(), nullable=False),
        sa.Column("due", sa.Text(), nullable=False),
        sa.Column("supplied", sa.Text(), nullable=True),
        sa.Column("gap", sa.Text(), nullable=True),
        sa.Column("gap_value_monthly", sa.Text(), nullable=True),
    )
    op.create_index("ix_findings_line_item_status", "findings", ["line_item", "status"])


def downgrade() -> None:
    op.drop_index("ix_findings_line_item_status", table_name="findings")
    op.drop_table("findings")
    op.drop_table("runs")
