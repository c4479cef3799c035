"""A real PostgreSQL server for the warehouse tests: Debian's postgresql, a temporary cluster on a unix socket.

The session fixture :func:`postgres_url` runs ``initdb`` in a temporary folder, starts the
server with ``pg_ctl`` listening only on a socket in that folder (no TCP port, so nothing
clashes with another server or another test run), creates the database ``shop`` with the
sample shop's transactions in table ``transactions``, and stops the server at the end.

Without ``initdb`` the tests that need it are skipped with the reason; in CI (``CI=true``)
they fail instead, because ``.ci/run`` installs the ``postgresql`` package.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def pg_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = glob.glob("/usr/lib/postgresql/*/bin/initdb") + glob.glob("/usr/pgsql-*/bin/initdb")
    versions.sort(key=lambda p: [int(x) for x in Path(p).parts[-3].split("-")[-1].split(".") if x.isdigit()])
    return Path(versions[-1]).parent if versions else None


def _run(args: list[str], user: list[str]) -> None:
    done = subprocess.run(user + args, capture_output=True, text=True, timeout=120)
    if done.returncode:
        raise RuntimeError(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


@pytest.fixture(scope="session")
def postgres_server():
    """``(bin_dir, socket_dir)`` of a running throw-away PostgreSQL server."""
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        reason = "PostgreSQL's initdb is not installed (Debian: apt-get install postgresql)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; .ci/run should have installed it")
        pytest.skip(reason)
    base = Path(tempfile.mkdtemp(prefix="ecomlib-pg-"))  # short: a socket path has at most 107 bytes
    user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root: run the server as the postgres user
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: initdb cannot start a server")
        shutil.chown(base, "postgres")
        user = ["runuser", "-u", "postgres", "--"]
    data, sock = base / "data", base / "socket"
    _run(["mkdir", str(sock)], user)
    _run([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
          "--locale=C", "--no-sync"], user)
    options = f"-k {sock} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
    _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(base / "server.log"), "-w",
          "start"], user)
    try:
        yield bin_dir, sock
    finally:
        subprocess.run(user + [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=120)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_url(postgres_server, sample_store):
    """URL of database ``shop`` on the throw-away server, holding the sample shop's ``transactions``."""
    import psycopg

    _, sock = postgres_server
    with psycopg.connect(f"host={sock} user=postgres dbname=postgres", autocommit=True) as con:
        con.execute("CREATE DATABASE shop")
    url = f"postgresql://postgres@/shop?host={sock}"
    import ibis

    con = ibis.connect(url)
    try:
        con.create_table("transactions", sample_store.transactions)
    finally:
        con.disconnect()
    return url
