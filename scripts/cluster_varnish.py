"""Varnish in front of the cluster's app servers (`make cluster`): its VCL and its command.

Kept in one file so the HTTP-cache work (issue 13, item 1) can replace it: ``varnish_command``
copies ``deploy/varnish/site.vcl`` into a run's own folder, writes the ``backends.vcl`` it
includes (one backend per app server, each with a health probe, a round-robin director and
``sub ijm_backend``), and returns the ``varnishd`` command that runs in the foreground.
"""

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE_VCL = ROOT / "deploy" / "varnish" / "site.vcl"

# A backend is marked down after 2 failed probes of the last 3, probed every second; up again
# after 2 good ones. The probe asks for robots.txt: no database, no session, always 200.
PROBE = """probe ijm_health {
    .request = "GET /robots.txt HTTP/1.1"
        "Host: 127.0.0.1"
        "X-Forwarded-Proto: https"
        "Connection: close";
    .interval = 1s;
    .timeout = 2s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}
"""


def backends_vcl(ports: list[int]) -> str:
    backends = "".join(
        f'backend app_{index} {{\n    .host = "127.0.0.1";\n    .port = "{port}";\n'
        f"    .connect_timeout = 1s;\n    .first_byte_timeout = 30s;\n"
        f"    .probe = ijm_health;\n}}\n\n"
        for index, port in enumerate(ports)
    )
    adds = "".join(f"    ijm_cluster.add_backend(app_{index});\n" for index in range(len(ports)))
    return (
        f"{PROBE}\n{backends}sub vcl_init {{\n    new ijm_cluster = directors.round_robin();\n"
        f"{adds}}}\n\nsub ijm_backend {{\n    set req.backend_hint = ijm_cluster.backend();\n}}\n"
    )


def varnish_command(workdir: Path, port: int, app_ports: list[int]) -> list[str]:
    """Write the VCL for these app servers into ``workdir``; the command that serves ``port``."""
    workdir.mkdir(parents=True, exist_ok=True)
    workdir.chmod(0o755)  # varnishd's compiler runs as its own unprivileged user
    shutil.copyfile(SITE_VCL, workdir / "site.vcl")
    (workdir / "backends.vcl").write_text(backends_vcl(app_ports))
    return [
        shutil.which("varnishd") or "/usr/sbin/varnishd",
        "-F",
        "-n", str(workdir / "instance"),
        "-a", f"127.0.0.1:{port}",
        "-T", "127.0.0.1:0",
        "-p", f"vcl_path={workdir}:/usr/share/varnish/vcl:/etc/varnish",
        "-f", str(workdir / "site.vcl"),
        "-s", "malloc,128m",
    ]  # fmt: skip
