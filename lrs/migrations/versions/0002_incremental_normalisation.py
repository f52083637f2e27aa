"""incremental normalisation: a fold state per learning record, facts found by fingerprint

``learning_records.fold_state`` holds what extending a record with newer facts needs
(reports.normalise.policy.FoldState). Existing records start without one (NULL): their next
refold reads their facts and writes it. The fingerprint index answers "is this event already on
record?" for each arriving statement.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('learning_records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fold_state', sa.JSON(), nullable=True))
    with op.batch_alter_table('statement_facts', schema=None) as batch_op:
        batch_op.create_index('ix_statement_facts_fingerprint', ['fingerprint'], unique=False, postgresql_using='hash')


def downgrade() -> None:
    with op.batch_alter_table('statement_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_statement_facts_fingerprint', postgresql_using='hash')
    with op.batch_alter_table('learning_records', schema=None) as batch_op:
        batch_op.drop_column('fold_state')
