"""The fleet: one outcome per contract per `reconciler fleet check`, and every notification delivery (issue 16).

Applied by Alembic from `reconciler.history.store`. `fleet_outcomes` names each contract's result, also when no
run was recorded (a broken file, a store past its deadline); `deliveries` keeps each notification sent, claimed
or failed under a unique key, so a retry never sends one twice. Decimals and instants are TEXT.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "fleet_outcomes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("batch", sa.Text(), nullable=False),
        sa.Column("contract", sa.Text(), nullable=False),
        sa.Column("shard", sa.Text(), nullable=False),
        sa.Column("now", sa.Text(), nullable=False),
        sa.Column("started_at", sa.Text(), nullable=False),
        sa.Column("finished_at", sa.Text(), nullable=False),
        sa.Column("duration_seconds", sa.Float(), nullable=False),
        sa.Column("exit_code", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("shortfall_value", sa.Text(), nullable=True),
        sa.Column("run_id", sa.Integer(), sa.ForeignKey("runs.id", ondelete="SET NULL"), nullable=True),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("digest", sa.JSON(), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_fleet_outcomes_contract_id", "fleet_outcomes", ["contract", "id"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(64), nullable=False, unique=True),
        sa.Column("contract", sa.Text(), nullable=False),
        sa.Column("target", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("previous_state", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), sa.ForeignKey("fleet_outcomes.id", ondelete="SET NULL"), nullable=True),
        sa.Column("event", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_at", sa.Text(), nullable=False),
        sa.Column("finished_at", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_deliveries_contract_target_subject", "deliveries", ["contract", "target", "subject", "id"])


def downgrade() -> None:
    op.drop_index("ix_deliveries_contract_target_subject", "deliveries")
    op.drop_table("deliveries")
    op.drop_index("ix_fleet_outcomes_contract_id", "fleet_outcomes")
    op.drop_table("fleet_outcomes")
