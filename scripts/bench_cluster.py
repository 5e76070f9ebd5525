"""`make bench-cluster`: one app server dies under load, and a publish reaches every path.

    python -m scripts.bench_cluster [--clients 16] [--seconds 24] [--kill-at 6] [--publishes 5]

Starts `make cluster` on spare ports with a fresh database of its own (ijm_cluster_bench), then:

1. Uncacheable load through Varnish: ``--clients`` threads alternate the donate page (a form
   with a per-visitor CSRF token) and a search with a query, each request on a new connection.
   After ``--kill-at`` seconds app server B's whole process group gets SIGKILL, as when its
   machine is lost; a thread asks Varnish (``varnishadm backend.list``) when its probe marks B
   down. Prints the failed-request % over the run, in the window before Varnish knew, and after
   (target: < 1 % overall, none after). The cluster restarts B a moment later, as a service
   manager would; requests go back to it once its probe is healthy again.
2. Publish latency: an editor signed in on app server A publishes a draft of the about page
   (Wagtail's bulk publish action); three readers poll A, B and Varnish every 20 ms. Prints, per
   publish, how long until every path shows it (target: ≤ 5 s).
"""

import argparse
import http.client
import os
import re
import signal
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from scripts.cluster import StartedCluster
from tests.served_http import SiteClient

ADMIN = ("bench-admin", "a long bench password for the cluster")
PATHS = ("/donate/", "/search/?query=children")


def _fetch(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            response.read()
            return response.status == 200
    except (urllib.error.URLError, http.client.HTTPException, OSError):  # a cut answer too
        return False


def _backend_down_at(instance: str, stop: threading.Event, found: dict) -> None:
    """When Varnish's probe first reports app server B (app1) sick."""
    while not stop.is_set():
        listing = subprocess.run(
            ["varnishadm", "-n", instance, "backend.list"], capture_output=True, text=True
        ).stdout
        line = next((row for row in listing.splitlines() if ".app1" in row), "")
        if re.search(r"\bsick\b", line):
            found.setdefault("down", time.monotonic())
        elif "down" in found and re.search(r"\bhealthy\b", line):
            found.setdefault("up", time.monotonic())
        time.sleep(0.05)


def failover(cluster: StartedCluster, clients: int, seconds: float, kill_at: float) -> None:
    results: list[tuple[float, bool]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def load(offset: int) -> None:
        index = offset
        while not stop.is_set():
            ok = _fetch(cluster.front_door + PATHS[index % len(PATHS)])
            with lock:
                results.append((time.monotonic(), ok))
            index += 1

    marks: dict = {}
    watcher = threading.Thread(
        target=_backend_down_at, args=(cluster.varnish_instance, stop, marks), daemon=True
    )
    threads = [threading.Thread(target=load, args=(i,), daemon=True) for i in range(clients)]
    started = time.monotonic()
    watcher.start()
    for thread in threads:
        thread.start()
    time.sleep(kill_at)
    killed = time.monotonic()
    os.killpg(cluster.pids["app-b"], signal.SIGKILL)
    time.sleep(max(0.0, seconds - kill_at))
    stop.set()
    for thread in threads:
        thread.join()
    watcher.join()

    down = marks.get("down")
    failed = [t for t, ok in results if not ok]
    before = [t for t in failed if t < killed]
    window = [t for t in failed if killed <= t < (down or float("inf"))]
    after = [t for t in failed if down and t >= down]
    total = len(results)
    elapsed = time.monotonic() - started
    down_text = f"Varnish marked it down {down - killed:.2f} s later" if down else "never down"
    up_text = ""
    if "up" in marks:
        up_text = f", healthy again {marks['up'] - killed:.1f} s after the kill"
    print(
        f"failover: {clients} clients, {total} requests in {elapsed:.1f} s "
        f"({total / elapsed:.0f}/s) through Varnish, {', '.join(PATHS)}"
    )
    print(f"failover: app server B killed (SIGKILL) at {killed - started:.1f} s; ", end="")
    print(f"{down_text}{up_text}")
    print(
        f"failover: failed requests {len(failed)} of {total} = {100 * len(failed) / total:.2f} %"
        f" (before the kill {len(before)}, kill to marked down {len(window)}, "
        f"after marked down {len(after)})"
    )


def publish_latency(cluster: StartedCluster, publishes: int) -> None:
    cluster.manage(
        "createsuperuser", "--noinput", "--username", ADMIN[0], "--email", "bench@b.org",
        DJANGO_SUPERUSER_PASSWORD=ADMIN[1],
    )  # fmt: skip
    editor = SiteClient(cluster.app["app-a"])
    editor.log_in_to_admin(*ADMIN)
    readers = {
        "app server A": SiteClient(cluster.app["app-a"]),
        "app server B": SiteClient(cluster.app["app-b"]),
        "Varnish": SiteClient(cluster.front_door),
    }
    latencies = []
    for number in range(publishes):
        title = f"About IJM Philippines, edition {number} {time.time_ns()}"
        page_id = cluster.draft_about_page_title(title)
        for reader in readers.values():
            reader.get("/about/")  # each path holds the old version in its caches
        publish = f"/admin/bulk/wagtailcore/page/publish/?id={page_id}&next=/admin/"
        token = editor.get(publish).csrf_token()
        started = time.monotonic()
        answer = editor.post(publish, {"csrfmiddlewaretoken": token})
        assert answer.status == 302, answer.status
        seen = {}
        while len(seen) < len(readers) and time.monotonic() - started < 30:
            for name, reader in readers.items():
                if name not in seen and title in reader.get("/about/").text:
                    seen[name] = time.monotonic() - started
            time.sleep(0.02)
        worst = max(seen.values()) if len(seen) == len(readers) else float("inf")
        latencies.append(worst)
        print(f"publish {number + 1}: visible through "
              + ", ".join(f"{name} {delay * 1000:.0f} ms" for name, delay in seen.items())
              + ("" if len(seen) == len(readers) else " (NOT everywhere within 30 s)"))  # fmt: skip
    median, worst = statistics.median(latencies) * 1000, max(latencies) * 1000
    print(
        f"publish: every path fresh after median {median:.0f} ms, worst {worst:.0f} ms "
        "(timed from sending the publish request)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=24)
    parser.add_argument("--kill-at", type=float, default=6)
    parser.add_argument("--publishes", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ijm-bench-cluster-") as workdir:
        cluster = StartedCluster(Path(workdir), "ijm_cluster_bench")
        try:
            print(re.search(r"cluster: database connections: .*", cluster.log()).group(0))
            publish_latency(cluster, options.publishes)
            failover(cluster, options.clients, options.seconds, options.kill_at)
        finally:
            cluster.stop()


if __name__ == "__main__":
    main()
