"""`make cluster`: the production topology on one machine, as one site.

    python -m scripts.cluster [--port 8080] [--database ijm_cluster] [--fresh-database]

Starts, and stops together on Ctrl-C or SIGTERM (scripts/processes.py: every child in its own
process group, killed after a grace period, told to stop if this runner dies):

- a local S3-compatible server (moto's server mode, the ``s3test`` extra) with the media bucket;
- a Redis of its own (``redis-server`` on a spare port, nothing saved), or the machine's own on
  6379, database 6, when ``redis-server`` is missing;
- two gunicorn app servers on two spare ports, configured as `make serve`
  (ijm_site/gunicorn_conf.py), and the task worker (``manage.py run_worker``); the app servers
  and the worker are started again if they die, as a service manager would;
- Varnish on ``PORT`` (default 8080), balancing the app servers with health probes and setting
  ``X-Forwarded-Proto: https`` in place of the TLS proxy (scripts/varnish.py, the repo VCL).

PostgreSQL is the machine's own (``CLUSTER_POSTGRES``, default postgres@127.0.0.1:5432): the
database is created when missing. Migrations, seed content, static files, the page-cache
generation and the bucket are set up once, before any app server starts, so the servers never
race each other doing it. Without SECRET_KEY a secret is made for the run; ALLOWED_HOSTS
defaults to 127.0.0.1 and localhost.
"""

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from scripts import varnish
from scripts.processes import Processes, _child_setup

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
BUCKET = "ijm-cluster-media"
LOCAL_S3_KEY, LOCAL_S3_SECRET = "cluster", "cluster-local-only"  # noqa: S105 - moto takes any
APP_SERVERS = ("app-a", "app-b")
WORKER_CONNECTIONS = 2  # the worker's own connection and its heartbeat's
MARGIN_CONNECTIONS = 10  # manage.py commands, psql, the setup steps
MAX_CONNECTIONS = 100


class Stop(Exception):
    """Ctrl-C or SIGTERM arrived while the cluster was still being set up."""


def _stop_now(signum, frame):
    raise Stop


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


def ensure_database(server_url: str, name: str, fresh: bool) -> str:
    """The URL of database ``name`` on that PostgreSQL server, created if missing."""
    import psycopg2

    parts = urlsplit(server_url)
    admin = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            if fresh:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    finally:
        admin.close()
    return urlunsplit(parts._replace(path=f"/{name}"))


def connection_budget(workers: int, threads: int) -> tuple[int, str]:
    web = len(APP_SERVERS) * workers * threads
    total = web + WORKER_CONNECTIONS + MARGIN_CONNECTIONS
    return total, (
        f"{len(APP_SERVERS)} app servers x {workers} workers x {threads} threads = {web}, "
        f"+ task worker {WORKER_CONNECTIONS} + margin {MARGIN_CONNECTIONS} = {total} "
        f"of PostgreSQL's {MAX_CONNECTIONS} connections"
    )


def create_bucket(endpoint: str, env: dict) -> None:
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=env["MEDIA_REGION"],
        aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
    )
    if BUCKET not in {bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])}:
        client.create_bucket(Bucket=BUCKET)


def manage(env: dict, *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
        preexec_fn=_child_setup,
    )  # fmt: skip


def wait_for_front_door(url: str, processes: Processes, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ended = [name for name, child in processes.children.items() if child.poll() is not None]
        if ended:
            raise RuntimeError(f"{', '.join(ended)} ended before the site answered")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer 200 within {timeout:.0f} s")


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8080))
    parser.add_argument("--database", default=os.environ.get("CLUSTER_DATABASE", "ijm_cluster"))
    parser.add_argument(
        "--fresh-database", action="store_true", help="drop the database first (tests)"
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 2)))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", 8)))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    options = parse(sys.argv[1:] if argv is None else argv)
    total, budget = connection_budget(options.workers, options.threads)
    print(f"cluster: database connections: {budget}", flush=True)
    if total >= MAX_CONNECTIONS:
        print("cluster: too many connections; lower WEB_CONCURRENCY or WEB_THREADS", flush=True)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="ijm-cluster-"))
    workdir.chmod(0o755)  # Varnish's compiler reads the VCL as its own unprivileged user
    s3_port, *app_ports = (free_port() for _ in range(1 + len(APP_SERVERS)))
    front_door = f"http://127.0.0.1:{options.port}"
    postgres = os.environ.get("CLUSTER_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": os.environ.get("ALLOWED_HOSTS") or "127.0.0.1,localhost",
        "DATABASE_URL": ensure_database(postgres, options.database, options.fresh_database),
        "WEB_CONCURRENCY": str(options.workers),
        "WEB_THREADS": str(options.threads),
        "WEB_SERVERS": str(len(APP_SERVERS)),
        "DB_RESERVED_CONNECTIONS": str(WORKER_CONNECTIONS + MARGIN_CONNECTIONS),
        "MEDIA_BUCKET": BUCKET,
        "MEDIA_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
        "MEDIA_REGION": "us-east-1",
        "MEDIA_ADDRESSING_STYLE": "path",
        "AWS_ACCESS_KEY_ID": LOCAL_S3_KEY,
        "AWS_SECRET_ACCESS_KEY": LOCAL_S3_SECRET,
        "WAGTAILADMIN_BASE_URL": os.environ.get("WAGTAILADMIN_BASE_URL", front_door),
        # Every change purges Varnish (ijm_site/frontend_cache.py), from whichever server made it.
        "FRONTEND_CACHE_URL": os.environ.get("FRONTEND_CACHE_URL") or front_door,
        "EMAIL_BACKEND": os.environ.get("EMAIL_BACKEND")
        or "django.core.mail.backends.console.EmailBackend",  # no mail server on this machine
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    commands = {"s3": [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)]}
    redis_server = shutil.which("redis-server")
    if redis_server:
        redis_port = free_port()
        commands["redis"] = [
            redis_server, "--bind", "127.0.0.1", "--port", str(redis_port),
            "--save", "", "--appendonly", "no", "--dir", str(workdir),
        ]  # fmt: skip
        env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
    else:
        env["REDIS_URL"] = os.environ.get("CLUSTER_REDIS_URL", "redis://127.0.0.1:6379/6")
    gunicorn = [str(VENV_BIN / "gunicorn"), "--config", "ijm_site/gunicorn_conf.py"]
    for name, port in zip(APP_SERVERS, app_ports, strict=True):
        control = ["--control-socket", str(workdir / f"{name}.ctl")]  # one per server
        commands[name] = ["env", f"PORT={port}", *gunicorn, *control, "ijm_site.wsgi"]
    commands["worker"] = [sys.executable, "manage.py", "run_worker"]
    varnish_dir = workdir / "varnish"
    varnish.prepare(
        varnish_dir, [varnish.Backend("127.0.0.1", port) for port in app_ports], "127.0.0.1"
    )
    commands["varnish"] = varnish.command(varnish_dir, options.port)

    os.chdir(ROOT)
    os.environ.clear()
    os.environ.update(env)  # every child inherits the cluster's settings
    processes = Processes(commands, grace=20, restart={*APP_SERVERS, "worker"})
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, _stop_now)
    try:
        processes.start(["s3", *(["redis"] if "redis" in commands else [])])
        wait_for_port(s3_port)
        create_bucket(env["MEDIA_ENDPOINT_URL"], env)
        if "redis" in commands:
            wait_for_port(redis_port)
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "seed_content", "--if-empty")
        manage(env, "clear_page_cache")
        processes.start([*APP_SERVERS, "worker", "varnish"])
        wait_for_front_door(f"{front_door}/", processes)
    except Stop:
        processes.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        return 0
    except BaseException:
        processes.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    for name, port in zip(APP_SERVERS, app_ports, strict=True):
        pid = processes.children[name].pid
        print(f"cluster: {name} http://127.0.0.1:{port}/ (pid {pid})", flush=True)
    print(f"cluster: media bucket {env['MEDIA_ENDPOINT_URL']}/{BUCKET}", flush=True)
    print(f"cluster: database {options.database}, cache {env['REDIS_URL']}", flush=True)
    print(f"cluster: varnish instance {workdir / 'varnish' / 'varnish'}", flush=True)
    print(f"cluster: ready at {front_door}/ (Ctrl-C stops everything)", flush=True)
    try:
        return processes.wait()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())


class StartedCluster:
    """`make cluster` as a child process on a spare port, for the tests and the benchmark.

    Its own database (created afresh, dropped by ``stop()``), whole process group stopped too.
    ``app`` maps each app server's name to its address, ``pids`` to its gunicorn master.
    """

    NOT_PASSED = {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "PORT"}

    def __init__(self, workdir: Path, database: str, timeout: float = 300):
        import re

        self.database = database
        self.port = free_port()
        self.front_door = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "cluster.log"
        self._log = self.log_path.open("wb")
        env = {k: v for k, v in os.environ.items() if k not in self.NOT_PASSED}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scripts.cluster", "--port", str(self.port),
             "--database", database, "--fresh-database"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self._wait_until_ready(timeout)
        log = self.log()
        found = re.findall(r"cluster: (app-[ab]) (http://\S+)/ \(pid (\d+)\)", log)
        self.app = {name: url for name, url, _ in found}
        self.pids = {name: int(pid) for name, _, pid in found}
        self.redis_url = re.search(r"cache (redis://\S+)", log).group(1)
        self.media_endpoint = re.search(r"media bucket (http://\S+)/", log).group(1)
        self.varnish_instance = re.search(r"varnish instance (\S+)", log).group(1)

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "cluster: ready at" in self.log():
                return
            if self.process.poll() is not None:
                raise RuntimeError(f"make cluster exited early:\n{self.log()[-5000:]}")
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"make cluster was not ready within {timeout} s:\n{self.log()[-5000:]}")

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def draft_about_page_title(self, title: str) -> str:
        """Save a draft of the English About page with ``title`` (nothing published); its id."""
        return self.manage(
            "shell", "-c",
            "from pages.models import StandardPage; page = StandardPage.objects.get("
            "slug='about', locale__language_code='en'); "
            f"page.title = {title!r}; page.save_revision(); print(page.id)",
        ).split()[-1]  # fmt: skip

    def manage(self, *args: str, **extra_env: str) -> str:
        """A manage.py command against the cluster's database and cache; its output."""
        postgres = os.environ.get("CLUSTER_POSTGRES", "postgres://postgres@127.0.0.1:5432/x")
        env = {k: v for k, v in os.environ.items() if k not in self.NOT_PASSED}
        env.update(
            DEBUG="0", SECRET_KEY="only-for-manage-commands-against-the-cluster",  # noqa: S106
            ALLOWED_HOSTS="localhost",
            DATABASE_URL=urlunsplit(urlsplit(postgres)._replace(path=f"/{self.database}")),
            REDIS_URL=self.redis_url, MEDIA_BUCKET=BUCKET, MEDIA_ENDPOINT_URL=self.media_endpoint,
            MEDIA_REGION="us-east-1", MEDIA_ADDRESSING_STYLE="path", AWS_ACCESS_KEY_ID=LOCAL_S3_KEY,
            AWS_SECRET_ACCESS_KEY=LOCAL_S3_SECRET, **extra_env,
        )  # fmt: skip
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if not self._log.closed:
            self._log.close()
            self._drop_database()

    def _drop_database(self) -> None:
        """The run's database was made afresh for it; nothing of it is kept."""
        import psycopg2

        postgres = os.environ.get("CLUSTER_POSTGRES", "postgres://postgres@127.0.0.1:5432/x")
        admin = psycopg2.connect(urlunsplit(urlsplit(postgres)._replace(path="/postgres")))
        admin.autocommit = True
        try:
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
        finally:
            admin.close()
