"""Plain rows from the database session's connection: the hot paths' statements of columns."""
from __future__ import annotations

from sqlalchemy.orm import Session as DB


def columns(db: DB, statement, params: dict | None = None):
    """Run a statement whose result is plain columns (or an INSERT/UPDATE of a table) on the database
    session's connection, in its transaction, and return the Core result (`.one()`, `.scalar()`,
    `.scalars()`, rows).

    `db.execute` would give the same rows through the ORM's result machinery (a QueryContext, row
    metadata and a loader per column), which is about 40 % of a small statement's CPU and adds nothing
    to columns. For the hot paths of every phone (a note, a connect). Nothing pending in the ORM session
    is flushed first: use it where nothing is pending (as on those paths)."""
    return db.connection().execute(statement, params)
