"""Opening a database as an ibis connection: a DuckDB file, or any ibis backend URL.

``--data`` of a report (and ``source`` of :func:`ecomlib.engine.sources.open_transactions`)
may name a database instead of a file:

- a DuckDB database file (``shop.duckdb``, ``shop.ddb``, or any file that starts like one),
  opened read-only;
- an ibis backend connected in Python (``ibis.pyspark.connect(spark)`` for Spark);
- a connection URL of an ibis backend, e.g. ``postgresql://user@host:5432/shop``,
  ``postgresql://user@/shop?host=/run/postgresql`` (a unix socket), ``duckdb:///path/shop.duckdb``,
  ``snowflake://...``, ``bigquery://project/dataset``.

Passwords never appear in messages: :func:`redact` replaces them with ``***``. Keep them
out of the URL altogether where the backend allows it (PostgreSQL reads ``PGPASSWORD`` and
``~/.pgpass``), since a report records its ``data`` parameter.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ecomlib.errors import DataError, ParameterError, shorten
from ecomlib.validation import closest_names

__all__ = ["DUCKDB_SUFFIXES", "connect", "is_database", "is_url", "open_table", "redact"]

#: File suffixes read as DuckDB databases (other files are recognised by their first bytes).
DUCKDB_SUFFIXES = (".duckdb", ".ddb")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")
_SQL = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)


def _is_duckdb_file(path: Path) -> bool:
    if path.suffix.lower() in DUCKDB_SUFFIXES:
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
    except OSError:
        return False
    return head[8:12] == b"DUCK"


def is_url(source: Any) -> bool:
    """True when ``source`` is text that starts like a URL (``scheme://``)."""
    return isinstance(source, str) and bool(_URL.match(source.strip()))


def _is_backend(source: Any) -> bool:
    """True for a connected ibis backend (``ibis.pyspark.connect(spark)``, ``ibis.bigquery.connect(...)``)."""
    try:
        from ibis.backends import BaseBackend
    except ImportError:
        return False
    return isinstance(source, BaseBackend)


def is_database(source: Any) -> bool:
    """True when ``source`` is a database: a connection URL, a DuckDB file or a connected ibis backend."""
    if not isinstance(source, str | Path):
        return _is_backend(source)
    text = str(source).strip()
    if _URL.match(text):
        return True
    path = Path(text).expanduser()
    return path.is_file() and _is_duckdb_file(path) or path.suffix.lower() in DUCKDB_SUFFIXES


def redact(source: Any) -> str:
    """``source`` as text with any password replaced by ``***`` (safe to print)."""
    if _is_backend(source):
        return f"the {getattr(source, 'name', 'ibis')} connection"
    text = str(source)
    if not _URL.match(text.strip()):
        return text
    parts = urlsplit(text.strip())
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        if ":" in user:
            user = user.split(":", 1)[0] + ":***"
        netloc = f"{user}@{host}"
    query = re.sub(r"(?i)(password|passwd|pwd|token|secret)=[^&]*", r"\1=***", parts.query)
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _scheme(url: str) -> str:
    return url.split("://", 1)[0].lower()


def connect(source: Any) -> Any:
    """Open ``source`` (a DuckDB file or a connection URL) as an ibis backend.

    Parameters
    ----------
    source : str, path or ibis backend
        A DuckDB database file (opened read-only), a URL ibis understands
        (``postgresql://user@host/db``, ``duckdb:///path.duckdb``, ...), or an ibis backend
        already connected (returned as it is), e.g. ``ibis.pyspark.connect(spark_session)``.

    Returns
    -------
    ibis backend
        ``con.table(name)`` gives an ibis Table.

    Raises
    ------
    ParameterError
        A URL whose scheme no installed ibis backend handles.
    DataError
        A database that cannot be reached or opened (refused connection, wrong password,
        missing database); the message shows the URL without its password.
    """
    import ibis

    if _is_backend(source):  # already connected (Spark, BigQuery, ... sessions made by the user)
        return source
    text = str(source).strip()
    shown = redact(text)
    if not _URL.match(text):
        path = Path(text).expanduser()
        if not path.is_file():
            raise ParameterError(f"`data` names the DuckDB database {shorten(text)!r}, which does not exist.",
                                 fix="Check the path, or pass a connection URL such as postgresql://user@host/db.")
        try:
            return ibis.duckdb.connect(str(path), read_only=True)
        except Exception as exc:  # duckdb.IOException, InvalidInputException, ...
            raise DataError(f"{shorten(text)!r} could not be opened as a DuckDB database: {shorten(exc)}",
                            fix="Check that it is a DuckDB file written by a compatible DuckDB version, "
                            "and that no other program holds it open for writing.") from None
    scheme = _scheme(text)
    backends = _backends()
    if scheme.split("+")[0] not in backends and _ALIASES.get(scheme) not in backends:
        raise ParameterError(
            f"{shown!r} is not a connection URL of a known ibis backend ({scheme!r}).",
            fix=f"Use one of {', '.join(sorted(backends))}, e.g. postgresql://user@host:5432/dbname or "
            "duckdb:///path/shop.duckdb, or pass a file path.",
        )
    try:
        return ibis.connect(text)
    except (ImportError, ModuleNotFoundError) as exc:
        raise ParameterError(
            f"The connection URL {shown!r} needs the ibis {scheme} backend, which is not installed "
            f"({shorten(exc)}).",
            fix=f"Install it: pip install 'ibis-framework[{scheme}]' (PostgreSQL: pip install 'ecomlib[warehouse]').",
        ) from None
    except Exception as exc:  # the drivers' own errors (psycopg.OperationalError, ...)
        raise _unreachable(shown, exc) from None


_ALIASES = {"postgresql": "postgres", "psql": "postgres"}


def _backends() -> set[str]:
    """Names of the ibis backends installed (their URL schemes)."""
    from importlib.metadata import entry_points

    return {ep.name for ep in entry_points(group="ibis.backends")}


def _unreachable(shown: str, exc: Exception) -> DataError:
    detail = " ".join(str(exc).split())
    return DataError(
        f"Could not connect to {shown}: {shorten(redact(detail), 300)}",
        fix="Check that the server is running and reachable (host, port or socket folder), the database "
        "name and the user; give the password through PGPASSWORD or ~/.pgpass rather than in the URL.",
    )


def _table_names(con: Any) -> list[str]:
    """Tables and views of ``con``'s current schema (ibis 12's DuckDB ``list_tables`` fails on DuckDB 2)."""
    if getattr(con, "name", "") == "duckdb":
        rows = con.con.execute("SELECT DISTINCT table_name FROM information_schema.tables "
                               "WHERE table_schema = current_schema()").fetchall()
        return sorted(r[0] for r in rows)
    return sorted(con.list_tables())


def open_table(con: Any, name: str | None, *, where: str = "the database") -> Any:
    """The ibis Table ``name`` of ``con``: a table, a view, or an SQL ``SELECT`` query.

    Raises
    ------
    ParameterError
        No name given, or no table or view of that name (the message lists close names).
    DataError
        An SQL query the database refuses.
    """
    tables = _table_names(con)
    if not name:
        only = f" It holds: {tables[:20]}." if tables else " It holds no tables."
        raise ParameterError(f"{where} is a database: name the table or view of order lines (--table).{only}",
                             fix="Pass --table NAME (table= in Python), or an SQL query such as "
                             "--table 'SELECT * FROM orders WHERE ...'.")
    if _SQL.match(name):
        try:
            return con.sql(name)
        except Exception as exc:
            raise DataError(f"{where} refused the query {shorten(name)!r}: {shorten(exc, 300)}",
                            fix="Check the query in the database's own client first.") from None
    if name not in tables:
        near = closest_names(name, tables)
        hint = f" Close names: {near}." if near else f" It holds: {tables[:20]}."
        raise ParameterError(f"{where} has no table or view named {name!r}.{hint}",
                             fix="Pass the name of the table or view of order lines with --table (table=).")
    return con.table(name)
