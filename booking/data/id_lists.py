"""A column among a list of values, bound as one parameter whatever the list's length.

On PostgreSQL ``column = ANY(:values)`` with the list as one array: the SQL is the
same for every length, so psycopg can keep it prepared on the server and PostgreSQL
stops planning it again (``booking.data.prepared_statements``).  Elsewhere the
usual ``IN`` with one parameter per value (an ``expanding`` parameter).
"""

from __future__ import annotations

from sqlalchemy import ARRAY, String, any_, bindparam
from sqlalchemy.sql.elements import ColumnElement


def among(column: ColumnElement, name: str, dialect: str) -> ColumnElement[bool]:
    """``column`` is one of the values bound as ``name`` (a list) on ``dialect``."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))


def among_sql(column: str, name: str, dialect: str) -> tuple[str, object]:
    """``among`` for textual SQL: the condition and the bound parameter to give it."""
    if dialect == "postgresql":
        return f"{column} = ANY(:{name})", bindparam(name, type_=ARRAY(String))
    return f"{column} IN :{name}", bindparam(name, expanding=True)
