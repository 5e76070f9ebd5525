"""Two app servers behind Varnish behave as one site (`make cluster`, scripts/cluster.py).

The whole cluster runs as `make cluster` starts it (its own PostgreSQL database, Redis, local S3,
two gunicorn servers, the worker, Varnish), and each test talks to it over HTTP: to app server A,
to app server B and to the front door, as a load balancer would send one visitor's requests to
either. The last test stops it with SIGTERM and looks for anything left running.
"""

import os
import signal
import time
import urllib.request
from pathlib import Path

import pytest

from scripts.cluster import StartedCluster
from tests.served_http import SiteClient

DATABASE = "ijm_cluster_test"
ADMIN = ("cluster-admin", "a long test password 4 the cluster")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    running = StartedCluster(tmp_path_factory.mktemp("cluster"), DATABASE)
    running.manage(
        "createsuperuser", "--noinput", "--username", ADMIN[0], "--email", "c@b.org",
        DJANGO_SUPERUSER_PASSWORD=ADMIN[1],
    )  # fmt: skip
    yield running
    running.stop()


def until(check, seconds: float = 30.0, every: float = 0.2):
    """Ask again until ``check()`` is truthy, for at most ``seconds``; its last answer."""
    deadline = time.monotonic() + seconds
    while True:
        answer = check()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(every)


def test_each_app_server_and_the_front_door_answer_as_https(cluster):
    for base in (cluster.app["app-a"], cluster.app["app-b"], cluster.front_door):
        home = SiteClient(base).get("/")
        assert home.status == 200 and "Donate" in home.text
    # The front door says HTTPS itself (in place of the TLS proxy): no redirect without the header.
    with urllib.request.urlopen(f"{cluster.front_door}/about/", timeout=10) as response:  # noqa: S310
        assert response.status == 200 and response.url.endswith("/about/")


def test_a_page_published_through_server_a_is_fresh_through_server_b_and_varnish(cluster):
    server_b = SiteClient(cluster.app["app-b"])
    front_door = SiteClient(cluster.front_door)
    for client in (server_b, front_door):  # both now hold the current version in their caches
        assert "About IJM Philippines" in client.get("/about/").text
        assert client.get("/about/").headers["X-Cache"] == "HIT"

    new_title = f"About IJM Philippines {os.getpid()}"
    page_id = cluster.draft_about_page_title(new_title)
    assert new_title not in server_b.get("/about/").text  # a draft changes nothing yet

    editor = SiteClient(cluster.app["app-a"])
    editor.log_in_to_admin(*ADMIN)
    publish = f"/admin/bulk/wagtailcore/page/publish/?id={page_id}&next=/admin/"
    answer = editor.post(publish, {"csrfmiddlewaretoken": editor.get(publish).csrf_token()})
    assert answer.status == 302, answer.text[:2000]

    for client in (server_b, front_door, SiteClient(cluster.app["app-a"])):
        assert until(lambda c=client: new_title in c.get("/about/").text, seconds=5), client


def test_an_admin_session_made_on_server_a_is_signed_in_on_server_b(cluster):
    on_a = SiteClient(cluster.app["app-a"])
    on_a.log_in_to_admin(*ADMIN)
    on_b = SiteClient(cluster.app["app-b"], cookies=dict(on_a.cookies))
    dashboard = on_b.get("/admin/")
    assert dashboard.status == 200 and ADMIN[0] in dashboard.text
    assert SiteClient(cluster.app["app-b"]).get("/admin/").status == 302  # without it: login


def test_a_csrf_token_from_server_a_is_accepted_by_server_b_and_a_forged_one_is_not(cluster):
    on_a = SiteClient(cluster.app["app-a"])
    token = on_a.get("/monthly-gift/").csrf_token()
    on_b = SiteClient(cluster.app["app-b"], cookies=dict(on_a.cookies))
    sent = on_b.post("/monthly-gift/", {"csrfmiddlewaretoken": token, "email": "csrf@b.org"})
    assert sent.status == 200 and "csrf@b.org" in sent.text
    forged = on_b.post("/monthly-gift/", {"csrfmiddlewaretoken": "x" * 64, "email": "f@b.org"})
    assert forged.status == 403


def test_the_sign_in_link_rate_limit_counts_requests_on_both_servers(cluster):
    """Three links an hour per address (PORTAL_LINK_RATE_PER_EMAIL): A, B, A, then B refuses."""
    on_a = SiteClient(cluster.app["app-a"])
    token = on_a.get("/monthly-gift/").csrf_token()
    on_b = SiteClient(cluster.app["app-b"], cookies=on_a.cookies)
    form = {"csrfmiddlewaretoken": token, "email": "limits@b.org"}
    statuses = [client.post("/monthly-gift/", form).status for client in (on_a, on_b, on_a, on_b)]
    assert statuses == [200, 200, 200, 429]


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, pending = set(), [pid]
    while pending:
        for child in children.get(pending.pop(), []):
            found.add(child)
            pending.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_sigterm_stops_every_process_the_cluster_started(cluster):
    started = _descendants(cluster.process.pid)
    commands = {(Path("/proc") / str(p) / "cmdline").read_bytes() for p in started if _alive(p)}
    for part in (b"moto_server", b"redis-server", b"gunicorn", b"run_worker", b"varnishd"):
        assert any(part in command for command in commands), part
    os.kill(cluster.process.pid, signal.SIGTERM)
    assert cluster.process.wait(timeout=60) == 0
    until(lambda: not [p for p in started if _alive(p)], seconds=10)
    assert [p for p in started if _alive(p)] == []
