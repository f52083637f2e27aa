"""statements: rows up to 4 KB stay inline and uncompressed (toast_tuple_target)

A typical statement row is just over PostgreSQL's default 2 KB threshold, so every insert tried
to compress its body, and for rows of this size nearly always failed and stored it as it was: CPU
spent on each write for nothing (lrs.xapi.models.STATEMENT_ROW_INLINE_BYTES). The setting applies
to rows written from now on. SQLite has no such setting.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE statements SET (toast_tuple_target = 4080)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE statements RESET (toast_tuple_target)")
