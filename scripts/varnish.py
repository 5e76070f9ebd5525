"""Varnish in front of one or more app servers, with the repo's VCL (deploy/varnish/site.vcl).

    python -m scripts.varnish --port 8080 --backend 127.0.0.1:8001 --backend 127.0.0.1:8002

Writes, in a working directory of its own (a temporary one unless ``--workdir``), a copy of
site.vcl, ``backends.vcl`` (each app server with a health probe, a round-robin director and the
``sub ijm_backend`` that site.vcl calls) and ``purgers.vcl`` (addresses beside loopback that may
PURGE and BAN), then runs varnishd in the foreground (``-F``), so SIGTERM to this process (it
execs varnishd) stops Varnish. No root is needed: no jail (``-j none``), Varnish's files stay in
the working directory (``-n``), the management port is an ephemeral loopback one (``-T``) whose
secret is written there too, and the cache lives in memory (``-s malloc``).

Tests and other scripts use :class:`Varnish` (start, wait until it answers, stop) instead.
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
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE_VCL = ROOT / "deploy" / "varnish" / "site.vcl"
VARNISHD = os.environ.get("VARNISHD", "/usr/sbin/varnishd")
MISSING_VARNISH = (
    "varnishd was not found at {path}. Install Debian's Varnish ('apt-get install -y varnish', "
    "as .ci/run does) or point VARNISHD at it."
)
# A page that costs the app almost nothing and never touches the database.
PROBE_URL = "/robots.txt"


@dataclass(frozen=True)
class Backend:
    host: str
    port: int

    @classmethod
    def parse(cls, text: str) -> "Backend":
        host, _, port = text.rpartition(":")
        if not host or not port.isdigit():
            raise argparse.ArgumentTypeError(f"a backend is HOST:PORT, not {text!r}")
        return cls(host.strip("[]"), int(port))


def backends_vcl(backends: list[Backend], probe_host: str, probe_url: str = PROBE_URL) -> str:
    """The app servers, each probed every 2 s (down after 3 failures of 5), behind a director.

    The probe says it came through TLS (as every request through Varnish does), so an app server
    that redirects plain HTTP still answers it with 200; its Host must be in ALLOWED_HOSTS.
    """
    if not backends:
        raise ValueError("Varnish needs at least one backend")
    lines = ["import directors;", ""]
    lines += [
        "probe ijm_health {",
        "    .request =",
        f'        "GET {probe_url} HTTP/1.1"',
        f'        "Host: {probe_host}"',
        '        "X-Forwarded-Proto: https"',
        '        "User-Agent: varnish-health-probe"',
        '        "Connection: close";',
        "    .interval = 2s;",
        "    .timeout = 2s;",
        "    .window = 5;",
        "    .threshold = 3;",
        "    .initial = 3;",
        "}",
        "",
    ]
    for number, backend in enumerate(backends):
        lines += [
            f"backend app{number} {{",
            f'    .host = "{backend.host}";',
            f'    .port = "{backend.port}";',
            "    .probe = ijm_health;",
            "    .connect_timeout = 2s;",
            "    .first_byte_timeout = 60s;",
            "    .between_bytes_timeout = 30s;",
            "}",
            "",
        ]
    lines += ["sub vcl_init {", "    new ijm_app = directors.round_robin();"]
    lines += [f"    ijm_app.add_backend(app{number});" for number in range(len(backends))]
    lines += ["}", "", "sub ijm_backend {", "    set req.backend_hint = ijm_app.backend();", "}"]
    return "\n".join(lines) + "\n"


def purgers_vcl(networks: list[str]) -> str:
    """ACL entries for site.vcl's `purgers`: ``10.0.0.5`` or ``10.0.0.0/8``."""
    entries = []
    for network in networks:
        address, _, bits = network.partition("/")
        entries.append(f'"{address}"/{bits};' if bits else f'"{address}";')
    return "\n".join(entries) + "\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(
    workdir: Path,
    backends: list[Backend],
    probe_host: str,
    purgers: list[str] = (),
    vcl: Path = SITE_VCL,
) -> Path:
    """Copy the VCL into ``workdir`` and write its two includes beside it; return the copy."""
    workdir.mkdir(parents=True, exist_ok=True)
    copy = workdir / "site.vcl"
    shutil.copyfile(vcl, copy)
    (workdir / "backends.vcl").write_text(backends_vcl(backends, probe_host))
    (workdir / "purgers.vcl").write_text(purgers_vcl(list(purgers)))
    return copy


def command(
    workdir: Path, port: int, listen: str = "127.0.0.1", storage: str = "256m"
) -> list[str]:
    if not Path(VARNISHD).exists():
        raise FileNotFoundError(MISSING_VARNISH.format(path=VARNISHD))
    secret = workdir / "secret"
    if not secret.exists():
        secret.write_text(secrets.token_hex(32))
        secret.chmod(0o600)
    return [
        VARNISHD,
        "-F",
        "-j",
        "none",
        "-n",
        str(workdir / "varnish"),
        "-a",
        f"{listen}:{port}",
        "-T",
        "127.0.0.1:0",
        "-S",
        str(secret),
        "-f",
        str(workdir / "site.vcl"),
        "-p",
        f"vcl_path={workdir}",
        "-s",
        f"malloc,{storage}",
    ]


class Varnish:
    """A varnishd on a spare loopback port in front of ``backends``; ``with Varnish(...) as v``."""

    def __init__(self, backends: list[Backend], probe_host: str = "localhost", purgers=()):
        self.backends = backends
        self.probe_host = probe_host
        self.purgers = list(purgers)
        self.port = 0
        self.process: subprocess.Popen | None = None
        self._workdir: tempfile.TemporaryDirectory | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "Varnish":
        self._workdir = tempfile.TemporaryDirectory(prefix="ijm-varnish-")
        workdir = Path(self._workdir.name)
        prepare(workdir, self.backends, self.probe_host, self.purgers)
        self.port = free_port()
        self._log = open(workdir / "varnishd.log", "w+")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            command(workdir, self.port),
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self._log.seek(0)
                output = self._log.read()
                self.stop()
                raise RuntimeError(f"varnishd stopped at start:\n{output}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"varnishd did not listen on port {self.port} in {timeout} s")

    def wait_until_healthy(self, timeout: float = 30) -> None:
        """Varnish answers 503 until its probe has seen an app server healthy."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + PROBE_URL, timeout=5) as answer:  # noqa: S310 - loopback
                    if answer.status == 200:
                        return
            except urllib.error.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("Varnish never saw the app server healthy")
            time.sleep(0.5)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None
        if self._workdir is not None:
            self._log.close()
            self._workdir.cleanup()
            self._workdir = None

    def __enter__(self) -> "Varnish":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8080")))
    parser.add_argument("--listen", default="127.0.0.1", help="address to listen on")
    parser.add_argument(
        "--backend", type=Backend.parse, action="append", required=True, help="HOST:PORT"
    )
    parser.add_argument("--probe-host", default="localhost", help="Host header of the health probe")
    parser.add_argument(
        "--purger", action="append", default=[], help="address or network allowed to purge"
    )
    parser.add_argument("--storage", default="256m", help="memory for cached objects")
    parser.add_argument("--workdir", type=Path, help="default: a new temporary directory")
    args = parser.parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ijm-varnish-"))
    prepare(workdir, args.backend, args.probe_host, args.purger)
    try:
        argv = command(workdir, args.port, args.listen, args.storage)
    except FileNotFoundError as error:
        sys.exit(str(error))
    print(f"Varnish on http://{args.listen}:{args.port}/ (working directory {workdir})", flush=True)
    os.execv(argv[0], argv)  # noqa: S606 - varnishd takes over this process (SIGTERM)


if __name__ == "__main__":
    main()
