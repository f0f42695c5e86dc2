"""The SQL statements a piece of code runs, as the database receives them."""
from __future__ import annotations

import contextlib

from sqlalchemy import event

from pwa.extensions import db


@contextlib.contextmanager
def recorded_statements():
    """A list that fills with every statement run inside the ``with`` block."""
    statements: list[str] = []

    def record(conn, cursor, statement, *rest):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def queries_for(client, path: str) -> int:
    """How many statements one GET of ``path`` runs (it must answer 200)."""
    with recorded_statements() as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(statements)
