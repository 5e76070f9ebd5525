"""Campaign day: serving that does not block on the outside world (issue 8).

The production server's thread and connection budget, SQLite under concurrent writers, and the
fake Stripe's pace (its latency and Stripe's limit on Checkout Sessions) that `make bench-spike`
and the ordering test in tests/e2e/test_production_server.py rely on.
"""

import contextlib
import gc
import os
import subprocess
import sys
import threading

import gunicorn.config
import pytest
import stripe
from django.conf import settings
from django.db import connections, transaction

from ijm_site.gunicorn_conf import connection_budget_problem
from scripts.served_site import ROOT

GUNICORN = [
    str(ROOT / ".venv" / "bin" / "gunicorn"),
    "--config",
    "ijm_site/gunicorn_conf.py",
    "--check-config",
    "ijm_site.wsgi",
]


def check_gunicorn_config(**env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ,
        "SECRET_KEY": "k" * 50,
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/ijm_budget_check",
        **env,
    }
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        GUNICORN, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


class TestTheProductionServersBudget:
    def test_make_serve_runs_threaded_workers_that_fit_postgresql(self):
        result = check_gunicorn_config()
        assert result.returncode == 0, result.stderr
        from ijm_site import gunicorn_conf

        assert gunicorn_conf.worker_class == "gthread"
        assert gunicorn_conf.threads > 1
        assert gunicorn_conf.workers * gunicorn_conf.threads <= 100 - 20

    def test_more_threads_than_postgresql_connections_are_refused_at_start(self):
        result = check_gunicorn_config(WEB_CONCURRENCY="2", WEB_THREADS="64")
        assert result.returncode != 0
        assert "2 workers x 64 threads x 1 servers = 128 database connections" in result.stderr
        assert "Lower WEB_THREADS or WEB_CONCURRENCY" in result.stderr

    def test_several_app_servers_share_the_same_budget(self):
        problem = connection_budget_problem(
            workers=2, threads=32, servers=2, max_connections=100, reserved=20
        )
        assert "= 128 database connections" in problem
        assert "leaving 80" in problem
        fits = connection_budget_problem(
            workers=2, threads=16, servers=2, max_connections=100, reserved=20
        )
        assert fits is None

    def test_a_threads_count_that_is_not_a_number_is_named(self):
        result = check_gunicorn_config(WEB_THREADS="many")
        assert result.returncode != 0
        assert "WEB_THREADS must be a whole number, not 'many'" in result.stderr

    def test_sqlite_has_no_connection_budget(self):
        result = check_gunicorn_config(
            DATABASE_URL="sqlite:////tmp/ijm-budget-check.sqlite3", WEB_THREADS="64"
        )
        assert result.returncode == 0, result.stderr


class TestEachWorkersStartUpIsSetAside:
    """A full collection walks every object it tracks while the worker's threads wait; what
    start-up loaded lives as long as the worker, so gunicorn's hook freezes it."""

    def test_gunicorn_runs_the_hook_and_a_full_collection_no_longer_walks_start_up(self):
        from gunicorn.app.wsgiapp import WSGIApplication

        application = WSGIApplication.__new__(WSGIApplication)
        application.cfg = gunicorn.config.Config()
        application.load_config_from_file(str(ROOT / "ijm_site" / "gunicorn_conf.py"))
        gc.collect()
        walked_before = len(gc.get_objects(generation=2))
        assert walked_before > 50_000  # Django, Wagtail and the suite, loaded
        assert gc.get_freeze_count() == 0
        try:
            application.cfg.post_worker_init(None)
            assert gc.get_freeze_count() > walked_before * 0.9
            assert len(gc.get_objects(generation=2)) < walked_before / 100
        finally:
            gc.unfreeze()


class TestSQLiteUnderConcurrentWriters:
    def test_a_sqlite_database_is_opened_in_wal_mode_with_a_busy_timeout(self, tmp_path):
        """The settings themselves, as `make serve` loads them for the default SQLite file."""
        code = (
            "import django; django.setup()\n"
            "from django.db import connection\n"
            "with connection.cursor() as c:\n"
            "    print([c.execute(f'PRAGMA {p}').fetchone()[0]\n"
            "           for p in ('journal_mode', 'synchronous', 'busy_timeout')])\n"
            "print(connection.transaction_mode)\n"
        )
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ijm_site.settings",
            "SECRET_KEY": "k" * 50,
            "ALLOWED_HOSTS": "localhost",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.split("\n")[:2] == ["['wal', 1, 20000]", "IMMEDIATE"]

    @pytest.fixture
    def sqlite_file(self, tmp_path, django_db_blocker):
        """A SQLite file opened with the site's options, as each gunicorn thread opens it."""
        alias = "campaign_day_sqlite"
        connections.settings[alias] = {
            **connections.settings["default"],
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "db.sqlite3"),
            "OPTIONS": dict(settings.SQLITE_OPTIONS),
            "TEST": {},
        }
        with django_db_blocker.unblock():
            with connections[alias].cursor() as cursor:
                cursor.execute("CREATE TABLE gift (id INTEGER PRIMARY KEY, n INTEGER)")
            connections[alias].close()
            yield alias
        del connections.settings[alias]

    def test_two_gifts_saved_at_once_both_commit_without_database_is_locked(self, sqlite_file):
        """Each writer reads, then writes, as saving a gift does. With deferred transactions the
        second writer's upgrade from read to write fails at once ("database is locked"); with
        immediate ones it waits its turn."""
        both_have_read = threading.Barrier(2, timeout=2)
        failures: list[Exception] = []

        def save_a_gift(n: int) -> None:
            try:
                with (
                    transaction.atomic(using=sqlite_file),
                    connections[sqlite_file].cursor() as cursor,
                ):
                    cursor.execute("SELECT count(*) FROM gift")
                    # Broken when the other writer waits for our lock: then there is no overlap.
                    with contextlib.suppress(threading.BrokenBarrierError):
                        both_have_read.wait()
                    cursor.execute("INSERT INTO gift (n) VALUES (%s)", [n])
            except Exception as error:  # noqa: BLE001 - what the test reports
                failures.append(error)
            finally:
                connections[sqlite_file].close()

        writers = [threading.Thread(target=save_a_gift, args=(n,)) for n in (1, 2)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(timeout=30)

        assert failures == []
        with connections[sqlite_file].cursor() as cursor:
            cursor.execute("SELECT n FROM gift ORDER BY n")
            assert cursor.fetchall() == [(1,), (2,)]
        connections[sqlite_file].close()


SESSION = {
    "mode": "payment",
    "line_items": [
        {
            "price_data": {
                "currency": "php",
                "unit_amount": 100000,
                "product_data": {"name": "gift"},
            },
            "quantity": 1,
        }
    ],
    "success_url": "https://example.org/thanks",
    "cancel_url": "https://example.org/donate",
}


def stripe_client_for(fake) -> stripe.StripeClient:
    return stripe.StripeClient(
        "sk_test_pace", base_addresses={"api": fake.base_url}, max_network_retries=2
    )


class TestTheFakeStripesPace:
    def test_checkout_sessions_beyond_the_limit_get_stripes_429_which_is_not_retried(
        self, fake_stripe
    ):
        fake_stripe.checkout_rate_limit = 2
        client = stripe_client_for(fake_stripe)
        client.v1.checkout.sessions.create(SESSION)
        client.v1.checkout.sessions.create(SESSION)
        with pytest.raises(stripe.RateLimitError) as refused:
            client.v1.checkout.sessions.create(SESSION)
        assert refused.value.http_status == 429
        assert refused.value.json_body["error"]["code"] == "rate_limit"
        assert "stripe-should-retry" not in {k.lower() for k in refused.value.headers}
        assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 3  # no retry
        assert len(fake_stripe.sessions) == 2
        assert fake_stripe.rate_limited == 1

    def test_other_calls_are_not_counted_against_the_checkout_limit(self, fake_stripe):
        fake_stripe.checkout_rate_limit = 1
        client = stripe_client_for(fake_stripe)
        session = client.v1.checkout.sessions.create(SESSION)
        for _ in range(3):
            client.v1.checkout.sessions.retrieve(session.id)
        assert fake_stripe.rate_limited == 0

    def test_every_api_call_takes_the_configured_latency(self, fake_stripe):
        import time

        fake_stripe.latency = 0.2
        started = time.monotonic()
        stripe_client_for(fake_stripe).v1.checkout.sessions.create(SESSION)
        assert time.monotonic() - started >= 0.2

    def test_a_held_call_answers_only_once_released(self, fake_stripe):
        release = fake_stripe.hold_api_calls()
        answered = threading.Event()

        def create():
            stripe_client_for(fake_stripe).v1.checkout.sessions.create(SESSION)
            answered.set()

        caller = threading.Thread(target=create)
        caller.start()
        try:
            while not fake_stripe.calls("POST", "/v1/checkout/sessions"):
                assert caller.is_alive()
                threading.Event().wait(0.01)
            assert not answered.is_set()
        finally:
            release.set()
        caller.join(timeout=10)
        assert answered.is_set()
        assert len(fake_stripe.sessions) == 1
