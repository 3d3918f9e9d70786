"""Filling a benchmark's tables fast: PostgreSQL's COPY (psycopg), an executemany elsewhere.

A million rows through `insert(table)` cost PostgreSQL one statement per row on the wire;
COPY streams them. Columns a row leaves out take their model default, as `insert()` would
give them (COPY would write NULL instead).
"""

import json

from sqlalchemy import JSON, Connection, Table, insert


def insert_rows(conn: Connection, table: Table, rows: list[dict]) -> None:
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    names = [c.name for c in table.columns if c.name in rows[0] or _default(c) is not _NONE]
    defaults = {c.name: _default(c) for c in table.columns if c.name in names and c.name not in rows[0]}
    as_json = {c.name for c in table.columns if isinstance(c.type, JSON)}
    columns = ", ".join(f'"{name}"' for name in names)
    with conn.connection.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([
                    json.dumps(value) if name in as_json and value is not None else value
                    for name, value in ((n, row[n] if n in row else defaults[n]) for n in names)])


_NONE = object()


def _default(column):
    default = column.default
    if default is None:
        return _NONE
    if default.is_scalar:
        return default.arg
    if default.is_callable:
        return default.arg(None)
    return _NONE
