"""`make serve` as a child process on a spare port, for the browser tests and the benchmarks.

Each run gets its own SQLite database and media folder in a temporary directory, a throwaway
SECRET_KEY, and is stopped (its whole process group) when done.
"""

import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV_NOT_PASSED = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "DEBUG", "REDIS_URL", "MEDIA_ROOT"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServedSite:
    """A `make serve` process on a spare port with its own SQLite database and media folder."""

    def __init__(self, workdir: Path, extra_env: dict | None = None, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://localhost:{self.port}"
        self.log_path = workdir / "serve.log"
        self.database = workdir / "db.sqlite3"
        env = {k: v for k, v in os.environ.items() if k not in ENV_NOT_PASSED}
        env.update(
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="localhost,127.0.0.1",
            DATABASE_URL=f"sqlite:///{self.database}",
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
        self._wait_until_ready()

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
