"""`make serve` as a child process on a spare port, for the browser tests and the benchmarks.

Each run gets its own database of the kind the caller uses (a SQLite file in a temporary
directory by default; a fresh PostgreSQL database of its own, dropped afterwards, when
``DATABASE_URL`` names a PostgreSQL server, so `.ci/run`'s PostgreSQL pass serves the browser
tests from PostgreSQL too), its own media folder, a throwaway SECRET_KEY, and is stopped (its
whole process group) when done.
"""

import os
import secrets
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
ENV_NOT_PASSED = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "REDIS_URL", "MEDIA_ROOT"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresDatabase:
    """A database of its own on the PostgreSQL server that ``server_url`` names, created empty."""

    def __init__(self, server_url: str, name: str):
        import psycopg2

        self.name = name
        parts = urlsplit(server_url)
        self.url = urlunsplit(parts._replace(path=f"/{name}"))
        self._admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
        self._admin.autocommit = True
        self._execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self._execute(f'CREATE DATABASE "{name}"')

    def _execute(self, sql: str) -> None:
        with self._admin.cursor() as cursor:
            cursor.execute(sql)

    def drop(self) -> None:
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self._admin.close()


def is_postgres(database_url: str) -> bool:
    return urlsplit(database_url).scheme in {"postgres", "postgresql", "pgsql"}


class ServedSite:
    """A `make serve` process on a spare port with its own database and media folder."""

    def __init__(self, workdir: Path, extra_env: dict | None = None, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://localhost:{self.port}"
        self.log_path = workdir / "serve.log"
        suite_database = os.environ.get("DATABASE_URL", "")
        self.postgres: PostgresDatabase | None = None
        if is_postgres(suite_database):
            base = urlsplit(suite_database).path.strip("/") or "ijm"
            self.postgres = PostgresDatabase(suite_database, f"{base}_served_{self.port}")
            self.database_url = self.postgres.url
        else:
            self.database_url = f"sqlite:///{workdir / 'db.sqlite3'}"
        env = {k: v for k, v in os.environ.items() if k not in ENV_NOT_PASSED}
        env.update(
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="localhost,127.0.0.1",
            DATABASE_URL=self.database_url,
            MEDIA_ROOT=str(workdir / "media"),
            PORT=str(self.port),
            WEB_CONCURRENCY=os.environ.get("WEB_CONCURRENCY", "2"),
            **(extra_env or {}),
        )
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_until_ready(self, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"make serve exited early:\n{self.log()}")
            try:
                request = urllib.request.Request(
                    f"{self.url}/", headers={"X-Forwarded-Proto": "https"}
                )
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        raise RuntimeError(f"make serve did not answer within {timeout} s:\n{self.log()}")

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows from the served site's own database, whichever kind it is (``%s`` placeholders)."""
        if self.postgres is not None:
            import psycopg2

            with psycopg2.connect(self.database_url) as db, db.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            db.close()
            return rows
        with sqlite3.connect(self.database_url.removeprefix("sqlite:///")) as db:
            return db.execute(sql.replace("%s", "?"), params).fetchall()

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log.close()
        if self.postgres is not None:
            self.postgres.drop()
            self.postgres = None
