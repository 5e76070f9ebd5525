"""Campaign day: keeping pace under load (issue 8's figures).

- Stripe's ceiling on Checkout Sessions is paced on our side: creations are spaced evenly so no
  second holds more than Stripe allows, a donor waits briefly for their slot, and one past the
  next half second's slots is told at once, with their form kept, instead of waiting for
  Stripe's refusal and our retries.
- Each process's SQLite writers take turns through a lock of their own, and every way a
  transaction ends hands the turn on.
- With a shared page cache (Redis), each process keeps copies of the pages it serves: a hit reads
  only the generation from the shared cache, and a new generation reaches every copy at once.
"""

import itertools
import threading

import pytest
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.db import OperationalError, connections, transaction
from django.http import HttpResponse
from django.urls import path

from donations import stripe_client
from donations.models import Donation
from ijm_site import page_cache
from tests.conftest import visible_text
from tests.test_donations_checkout import DONATE_URL, _gift

# Stripe's ceiling, paced on our side ------------------------------------------------------------


class Clock:
    """The Stripe client's clock: ``sleep`` moves it on instead of waiting."""

    def __init__(self, now: float):
        self.now = now
        self.slept: list[float] = []

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(1_800_000_000.25)
    monkeypatch.setattr(stripe_client, "time", clock)
    return clock


def _give(client, gift: dict, address: str):
    """A gift from its own client address, as the trusted proxy reports it (so our own limit
    per address is never what refuses it)."""
    return client.post(DONATE_URL, gift, HTTP_X_FORWARDED_FOR=address, REMOTE_ADDR="127.0.0.1")


def _gifts_started(client, count: int) -> list[int]:
    """The statuses of ``count`` gifts from as many donors."""
    return [
        _give(client, _gift(client, email=f"donor{n}@example.com"), f"203.0.113.{n}").status_code
        for n in range(count)
    ]


def test_checkout_sessions_are_spaced_so_no_one_second_holds_more_than_stripes_limit(
    settings, clock
):
    """Stripe counts over any one second. Slots one twenty-fourth of a second apart, each
    beginning after the moment it is asked for, put at most 25 into any second, with one
    slot's margin for the jitter of sending."""
    settings.STRIPE_CHECKOUT_SESSIONS_PER_SECOND = 25
    asked_at = clock.now
    slots = [stripe_client.take_checkout_slot() for _ in range(12)]
    assert all(slot > asked_at for slot in slots)
    gaps = [later - earlier for earlier, later in itertools.pairwise(slots)]
    assert gaps == pytest.approx([1 / 24] * 11, abs=1e-6)
    assert slots[-1] - asked_at <= stripe_client.CHECKOUT_QUEUE_SECONDS
    assert stripe_client.take_checkout_slot() is None  # the next would wait too long

    clock.now = slots[-1]  # once the wait has passed, the slots after it are free
    assert stripe_client.take_checkout_slot() == pytest.approx(slots[-1] + 1 / 24, abs=1e-6)


@pytest.mark.django_db
def test_a_donor_waits_for_their_slot_then_asks_stripe_once(
    client, fake_stripe, donate_page, settings, clock
):
    settings.STRIPE_CHECKOUT_SESSIONS_PER_SECOND = 25
    asked_at = clock.now
    assert _gifts_started(client, 1) == [303]
    [wait] = clock.slept
    assert 0 < wait <= 1 / 24
    assert clock.now > asked_at and clock.now * 24 == pytest.approx(round(clock.now * 24), abs=1e-3)
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 1


@pytest.mark.django_db
def test_a_donor_past_the_slots_is_told_at_once_and_gets_through_a_moment_later(
    client, fake_stripe, donate_page, settings, clock
):
    settings.STRIPE_CHECKOUT_SESSIONS_PER_SECOND = 25
    while stripe_client.take_checkout_slot() is not None:  # others took the next half second
        pass

    late = _gift(client, name="Ana Reyes", email="ana@example.com")
    refused = _give(client, late, "203.0.113.9")
    html = refused.content.decode()
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "Many people are giving right now" in visible_text(html)
    assert 'value="Ana Reyes"' in html and 'value="ana@example.com"' in html
    assert f'value="{late["form_token"]}"' in html
    assert not clock.slept  # told at once, not after a wait
    assert not fake_stripe.calls("POST", "/v1/checkout/sessions")  # Stripe was not asked

    clock.now += 1
    again = _give(client, late, "203.0.113.9")
    assert again.status_code == 303
    assert Donation.objects.filter(donor_email="ana@example.com").count() == 1
    assert len(fake_stripe.sessions) == 1


@pytest.mark.django_db
def test_a_try_stripe_refused_waits_for_a_slot_of_its_own(
    client, fake_stripe, donate_page, settings, clock
):
    settings.STRIPE_CHECKOUT_SESSIONS_PER_SECOND = 25
    fake_stripe.fail_next(1, status=429)
    assert _gifts_started(client, 1) == [303]
    slot_waits = [wait for wait in clock.slept if wait <= 1 / 24]
    assert len(slot_waits) >= 2  # the first try's slot, and after the pause a second one
    assert len(fake_stripe.calls("POST", "/v1/checkout/sessions")) == 2
    assert len(fake_stripe.sessions) == 1


@pytest.mark.django_db
def test_without_a_ceiling_only_stripes_own_limit_counts(
    client, fake_stripe, donate_page, settings, clock
):
    settings.STRIPE_CHECKOUT_SESSIONS_PER_SECOND = 0
    assert _gifts_started(client, 4) == [303] * 4
    assert not clock.slept
    assert len(fake_stripe.sessions) == 4


# SQLite writers take turns within a process ----------------------------------------------------


@pytest.fixture
def serialised_sqlite(tmp_path, django_db_blocker, settings):
    """A SQLite file opened as the site opens it (the serialised backend, its options), with a
    short busy timeout so a turn that is never handed on shows as an error, not a hang."""
    alias = "campaign_day_turns"
    connections.settings[alias] = {
        **connections.settings["default"],
        "ENGINE": "ijm_site.serialised_sqlite",
        "NAME": str(tmp_path / "db.sqlite3"),
        "OPTIONS": {**settings.SQLITE_OPTIONS, "timeout": 2},
        "TEST": {},
    }
    with django_db_blocker.unblock():
        with connections[alias].cursor() as cursor:
            cursor.execute("CREATE TABLE tally (id INTEGER PRIMARY KEY, gifts INTEGER)")
            cursor.execute("INSERT INTO tally (id, gifts) VALUES (1, 0)")
        connections[alias].close()
        yield alias
        connections[alias].close()
    del connections[alias]  # this thread's connection to the file, opened with its settings
    del connections.settings[alias]


def _in_threads(function, count: int) -> list[Exception]:
    failures: list[Exception] = []

    def run(n: int) -> None:
        try:
            function(n)
        except Exception as error:  # noqa: BLE001 - what the test reports
            failures.append(error)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return failures


def test_many_threads_counting_gifts_at_once_lose_none(serialised_sqlite):
    """Each writer reads the tally and writes it back plus one, as a gift's bookkeeping does;
    a lost update or a "database is locked" would show in the total."""

    def count_gifts(_n: int) -> None:
        connection = connections[serialised_sqlite]
        try:
            for _ in range(10):
                with transaction.atomic(using=serialised_sqlite), connection.cursor() as cursor:
                    cursor.execute("SELECT gifts FROM tally WHERE id = 1")
                    (gifts,) = cursor.fetchone()
                    cursor.execute("UPDATE tally SET gifts = %s WHERE id = 1", [gifts + 1])
        finally:
            connection.close()

    assert _in_threads(count_gifts, 12) == []
    with connections[serialised_sqlite].cursor() as cursor:
        cursor.execute("SELECT gifts FROM tally WHERE id = 1")
        assert cursor.fetchone() == (120,)
    connections[serialised_sqlite].close()


def test_a_transaction_that_fails_hands_the_turn_on(serialised_sqlite):
    """A rolled-back transaction and one whose connection closed both end the turn: the next
    writer in another thread gets in (with a 2 s timeout, it would otherwise fail)."""

    def fail_then_close(_n: int) -> None:
        connection = connections[serialised_sqlite]
        with pytest.raises(ZeroDivisionError), transaction.atomic(using=serialised_sqlite):
            connection.cursor().execute("UPDATE tally SET gifts = gifts + 1")
            _ = 1 / 0
        transaction.atomic(using=serialised_sqlite).__enter__()  # left open, then closed
        connection.close()

    assert _in_threads(fail_then_close, 1) == []

    def write(_n: int) -> None:
        connection = connections[serialised_sqlite]
        try:
            with transaction.atomic(using=serialised_sqlite), connection.cursor() as cursor:
                cursor.execute("UPDATE tally SET gifts = gifts + 1")
        finally:
            connection.close()

    assert _in_threads(write, 1) == []
    with connections[serialised_sqlite].cursor() as cursor:
        cursor.execute("SELECT gifts FROM tally WHERE id = 1")
        assert cursor.fetchone() == (1,)  # the failed one's update was rolled back
    connections[serialised_sqlite].close()


def test_a_writer_that_never_gets_its_turn_is_told_the_database_is_locked(serialised_sqlite):
    holding = threading.Event()
    release = threading.Event()

    def hold(_n: int) -> None:
        connection = connections[serialised_sqlite]
        try:
            with transaction.atomic(using=serialised_sqlite):
                connection.cursor().execute("UPDATE tally SET gifts = gifts + 1")
                holding.set()
                release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold, args=(0,))
    holder.start()
    assert holding.wait(10)

    def wait_for_turn(_n: int) -> None:
        connection = connections[serialised_sqlite]
        try:
            with transaction.atomic(using=serialised_sqlite):
                pass
        finally:
            connection.close()

    failures = _in_threads(wait_for_turn, 1)
    release.set()
    holder.join(10)
    assert len(failures) == 1 and isinstance(failures[0], OperationalError)
    assert "database is locked" in str(failures[0])


# Page copies in front of a shared cache -----------------------------------------------------------

_renders = itertools.count(1)


def _rendered(request, name):
    return HttpResponse(f"render {next(_renders)}")


urlpatterns = [path("counted/<slug:name>/", _rendered)]


class CountingFileCache(FileBasedCache):
    """A shared cache (every process sees its files, as Redis) that counts what it is asked."""

    reads = 0

    def get(self, key, default=None, version=None):
        type(self).reads += 1
        return super().get(key, default, version)


@pytest.fixture
def shared_page_cache(settings, tmp_path):
    settings.CACHES = {
        **settings.CACHES,
        settings.PAGE_CACHE_ALIAS: {
            "BACKEND": f"{__name__}.CountingFileCache",
            "LOCATION": str(tmp_path / "pages"),
        },
    }
    page_cache.local_copies.clear()
    yield caches[settings.PAGE_CACHE_ALIAS]
    page_cache.local_copies.clear()


def _reads_for(client, url: str) -> tuple[str, str, int]:
    before = CountingFileCache.reads
    response = client.get(url)
    return response["X-Cache"], response.content.decode(), CountingFileCache.reads - before


@pytest.mark.urls(__name__)
def test_a_hit_reads_only_the_generation_from_the_shared_cache(client, shared_page_cache):
    outcome, first, _ = _reads_for(client, "/counted/home/")
    assert outcome == "MISS"
    page_cache.local_copies.clear()  # as in another process, which has no copy yet
    assert _reads_for(client, "/counted/home/") == ("HIT", first, 2)  # generation, then page
    assert _reads_for(client, "/counted/home/") == ("HIT", first, 1)  # generation only


@pytest.mark.urls(__name__)
def test_a_new_generation_from_another_process_reaches_every_copy_at_once(
    client, shared_page_cache
):
    _, first, _ = _reads_for(client, "/counted/home/")
    assert _reads_for(client, "/counted/home/")[:2] == ("HIT", first)
    # Another process published: it wrote a new generation to the shared cache, nothing else.
    shared_page_cache.set(page_cache.GENERATION_KEY, "published-elsewhere", timeout=None)
    outcome, fresh, _ = _reads_for(client, "/counted/home/")
    assert outcome == "MISS" and fresh != first


@pytest.mark.urls(__name__)
def test_each_process_keeps_at_most_its_share_of_copies(client, shared_page_cache, settings):
    settings.PAGE_CACHE_LOCAL_ENTRIES = 2
    pages = [f"/counted/page-{n}/" for n in range(3)]
    for url in pages * 2:  # stored, then served and copied
        client.get(url)
    assert _reads_for(client, pages[2])[2] == 1  # the last two are still copied
    assert _reads_for(client, pages[0])[2] == 2  # the oldest made way: read from the cache
