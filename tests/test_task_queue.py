"""The durable queue: receipts and every other email leave the request, survive a mail server
that refuses or hangs and a worker killed mid-send, and reach the donor once.

A real SMTP server on 127.0.0.1 (aiosmtpd, tests/smtp_server.py) receives them; the worker is
the real one, in this process or as a `manage.py run_worker` subprocess.
"""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from donations.models import Donation
from donations.tasks import send_failed_payment_note, send_receipt
from ijm_site.taskqueue import BACKEND
from ijm_site.taskqueue.mail import stable_message_id
from ijm_site.taskqueue.models import QueuedEmail, WorkerHeartbeat
from ijm_site.taskqueue.worker import RetryingWorker, recover_abandoned_tasks, retry_delay
from scripts.served_site import ROOT
from tests.smtp_server import LocalSmtpServer

# Committed data, as a worker in another thread or process sees it; serialized_rollback puts back
# what migrations made (the Finance group, Wagtail's workflow) after each test's flush.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DURABLE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    BACKEND: {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "email"]},
}


@pytest.fixture
def smtp():
    server = LocalSmtpServer()
    yield server
    server.release.set()
    server.stop()


@pytest.fixture
def durable(settings, smtp):
    """The production wiring: the database queue, delivery over SMTP to the local server."""
    settings.TASKS = DURABLE
    settings.EMAIL_BACKEND = "ijm_site.taskqueue.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", smtp.port, 0.3
    settings.TASKS_RETRY_BASE_DELAY, settings.TASKS_RETRY_MAX_DELAY = 0.05, 0.2
    # The in-process worker beats once, at its start: SQLite's shared in-memory test database
    # would refuse a second connection's writes mid-transaction. The subprocess test beats often.
    settings.TASKS_HEARTBEAT_SECONDS, settings.TASKS_WORKER_LEASE = 60, 1
    return settings


def run_worker(worker=None, max_tasks=None):
    """The real worker in this process: until nothing is due (or after ``max_tasks`` attempts).

    Returns the worker, which a test may run again to see what it remembers between passes.
    """
    worker = worker or RetryingWorker(
        queue_names=["*"],
        excluded_queue_names=[],
        interval=0,
        batch=True,
        backend_name=BACKEND,
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id="test-worker",
    )
    worker.run()
    return worker


def paid_gift(number: int, **fields) -> Donation:
    return Donation.objects.create(
        **{
            "amount": 100000, "currency": "PHP", "frequency": "once", "status": "paid",
            "paid_at": timezone.now(), "donor_name": f"Donor {number}",
            "donor_email": f"donor{number}@example.com", **fields,
        }
    )  # fmt: skip


def tasks():
    return DBTaskResult.objects.filter(backend_name=BACKEND)


def time_passes():
    """Every retry is due now (the backoff itself is checked in its own test)."""
    tasks().filter(status="READY").update(run_after=timezone.now())


def test_receipts_wait_out_a_mail_server_that_refuses_then_hangs_and_arrive_once(
    durable, smtp, settings
):
    settings.TASKS_RETRY_BASE_DELAY = settings.TASKS_RETRY_MAX_DELAY = 30
    gifts = [paid_gift(n) for n in range(3)]
    for gift in gifts:
        send_receipt.enqueue(gift.pk)
    assert tasks().count() == 3 and not smtp.messages  # queued, nothing sent by the request
    assert sorted(row.args_kwargs["args"][0] for row in tasks()) == [g.pk for g in gifts]

    worker = run_worker()  # the server refuses connections: the first receipt finds it out
    assert {row.status for row in tasks()} == {"READY"}
    tried = [row for row in tasks() if row.worker_ids]
    assert len(tried) == 1  # and the other receipts wait with it instead of each trying alone
    assert "ConnectionRefusedError" in tried[0].traceback
    assert tried[0].run_after > timezone.now()

    smtp.hang()  # connections accepted, never answered: EMAIL_TIMEOUT ends each attempt
    time_passes()
    run_worker(worker)  # the same worker, still waiting out its pause: no email is tried
    assert [len(row.worker_ids) for row in tasks()].count(0) == 2
    worker._mail_paused_until = 0  # the pause is over
    run_worker(worker)
    tried = [row for row in tasks() if row.worker_ids]
    assert len(tried) == 1 and len(tried[0].worker_ids) == 2
    assert "timed out" in tried[0].traceback.lower()
    assert not Donation.objects.filter(receipt_sent_at__isnull=False).exists()

    smtp.start()  # back
    time_passes()
    worker._mail_paused_until = 0
    run_worker(worker)  # the first that goes through opens the queue for every other
    assert {row.status for row in tasks()} == {"SUCCESSFUL"}
    assert sorted(smtp.message_ids()) == sorted(stable_message_id("receipt", g.pk) for g in gifts)
    assert sorted(m["To"] for m in smtp.messages) == [g.donor_email for g in gifts]
    assert not Donation.objects.filter(receipt_sent_at__isnull=True).exists()

    for gift in gifts:  # a repeated task sends nothing more
        send_receipt.enqueue(gift.pk)
    run_worker()
    assert len(smtp.messages) == 3


def test_retries_back_off_by_doubling_and_never_wait_more_than_the_cap(settings):
    settings.TASKS_RETRY_BASE_DELAY, settings.TASKS_RETRY_MAX_DELAY = 2, 60
    delays = [retry_delay(attempt) for attempt in range(1, 40)]
    assert 1.6 <= delays[0] <= 2 and 3.2 <= delays[1] <= 4 and 6.4 <= delays[2] <= 8
    assert max(delays) <= 60 < 120  # a receipt goes out within a minute of the server's return
    assert min(delays[6:]) >= 48  # capped, not still doubling


def test_a_recipient_refused_for_good_fails_at_once_and_finance_can_retry_it(
    durable, smtp, client, django_user_model
):
    from django.contrib.auth.models import Group

    gift = paid_gift(1)
    smtp.reject_recipients = True
    smtp.start()
    send_receipt.enqueue(gift.pk)
    run_worker()
    [row] = tasks()
    assert row.status == "FAILED" and "SMTPRecipientsRefused" in row.exception_class_path

    finance = django_user_model.objects.create_user(username="fin", password="x-secret-pw-1")
    finance.groups.add(Group.objects.get(name="Finance"))
    client.force_login(finance)
    listing = client.get("/admin/background-tasks/")
    assert listing.status_code == 200
    assert f"Receipt for gift #{gift.pk}" in listing.text and "550" in listing.text
    assert "Failed: 1" in client.get("/admin/").text

    smtp.reject_recipients = False
    response = client.post(f"/admin/background-tasks/retry/{row.pk}/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "READY"
    run_worker()
    assert smtp.message_ids() == [stable_message_id("receipt", gift.pk)]
    assert "Failed: 0" in client.get("/admin/").text


def test_a_task_left_running_by_a_silent_worker_is_queued_again(durable):
    gift = paid_gift(1)
    send_receipt.enqueue(gift.pk)
    send_receipt.enqueue(gift.pk)
    abandoned, alive = tasks().order_by("enqueued_at")
    long_ago = timezone.now() - timedelta(minutes=5)
    WorkerHeartbeat.objects.create(worker_id="dead", last_seen_at=long_ago)
    WorkerHeartbeat.objects.create(worker_id="alive", last_seen_at=timezone.now())
    for row, owner in ((abandoned, "dead"), (alive, "alive")):
        DBTaskResult.objects.filter(pk=row.pk).update(
            status="RUNNING", started_at=long_ago, worker_ids=[owner]
        )

    assert recover_abandoned_tasks(BACKEND) == 1
    abandoned.refresh_from_db()
    alive.refresh_from_db()
    assert abandoned.status == "READY" and abandoned.run_after <= timezone.now()
    assert "worker dead stopped mid-task (interrupted 1 times)" in abandoned.traceback
    assert alive.status == "RUNNING"


def test_a_task_that_keeps_killing_its_worker_fails_for_staff_to_see(durable):
    gift = paid_gift(1)
    send_receipt.enqueue(gift.pk)
    [row] = tasks()
    WorkerHeartbeat.objects.create(worker_id="dead", last_seen_at=timezone.now() - timedelta(1))
    for attempt in range(1, 4):
        DBTaskResult.objects.filter(pk=row.pk).update(
            status="RUNNING", started_at=timezone.now() - timedelta(minutes=5),
            worker_ids=["dead"] * attempt,
        )  # fmt: skip
        assert recover_abandoned_tasks(BACKEND) == 1
        row.refresh_from_db()
        assert row.status == ("FAILED" if attempt == 3 else "READY")
    assert "interrupted 3 times" in row.traceback


def test_the_failed_payment_note_is_sent_once(durable, smtp):
    smtp.start()
    gift = paid_gift(1, status="failed", frequency="monthly")
    send_failed_payment_note.enqueue(gift.pk)
    send_failed_payment_note.enqueue(gift.pk)
    run_worker()
    assert smtp.message_ids() == [stable_message_id("payment_failed", gift.pk)]
    gift.refresh_from_db()
    assert gift.failure_note_sent_at is not None


def test_wagtail_workflow_notifications_leave_the_request_through_the_queue(
    durable, smtp, django_user_model
):
    from wagtail.models import Page

    smtp.start()
    django_user_model.objects.create_superuser(
        username="boss", email="boss@example.org", password="x-secret-pw-1"
    )
    editor = django_user_model.objects.create_user(
        username="ed", email="ed@example.org", password="x-secret-pw-1"
    )
    page = Page.objects.get(depth=2).specific
    page.save_revision(user=editor)
    page.get_workflow().start(page, editor)  # "submit for moderation"

    assert not smtp.messages  # the request only queued them
    queued = list(QueuedEmail.objects.order_by("pk"))
    assert queued and all(row.recipients == ["boss@example.org"] for row in queued)
    assert all(row.message["body"] for row in queued)
    args = sorted(row.args_kwargs["args"] for row in tasks())
    assert args == [[row.pk] for row in queued]  # ids, never the message

    run_worker()
    assert sorted(smtp.message_ids()) == sorted(row.message_id for row in queued)
    assert {m["Subject"] for m in smtp.messages} == {row.subject for row in queued}
    assert all("submitted" in row.subject.lower() for row in queued)
    for row in queued:
        row.refresh_from_db()
        assert row.sent_at is not None and row.message is None  # delivered, content wiped


@pytest.fixture
def shared_database(durable):
    """The test database as a worker subprocess can open it: PostgreSQL's test database by
    name, or a file copy of SQLite's in-memory one (copied back by ``sync_back``)."""
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        url = (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        yield url, lambda: None
        return
    path = ROOT / ".test-media" / f"worker-{os.getpid()}.sqlite3"
    path.parent.mkdir(exist_ok=True)
    path.unlink(missing_ok=True)
    connection.ensure_connection()

    def copy(source, target):
        source.backup(target)

    with sqlite3.connect(path) as file_db:
        copy(connection.connection, file_db)

    def sync_back():
        with sqlite3.connect(path) as file_db:
            copy(file_db, connection.connection)

    yield f"sqlite:///{path}", sync_back
    path.unlink(missing_ok=True)


def start_worker(database_url: str, smtp_port: int, *extra: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update(
        SECRET_KEY=django_settings.SECRET_KEY,  # the stable Message-ID is keyed with it
        ALLOWED_HOSTS="localhost",
        DATABASE_URL=database_url,
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_TIMEOUT="5",
        TASKS_HEARTBEAT_SECONDS="0.2",
        TASKS_WORKER_LEASE="1",
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--interval", "0.05",
         "--no-reload", *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip


def test_a_worker_killed_before_the_server_accepted_the_receipt_loses_nothing_and_sends_once(
    durable, smtp, shared_database
):
    gift = paid_gift(1)
    send_receipt.enqueue(gift.pk)
    database_url, sync_back = shared_database
    if connection.vendor == "sqlite":  # the task and the gift were made after the copy
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as file_db:
            connection.connection.backup(file_db)

    smtp.start()
    smtp.hold_before_accepting()  # the worker's session stops at RCPT: nothing accepted yet
    first = start_worker(database_url, smtp.port)
    try:
        assert smtp.recipient_seen.wait(60), first.stdout.read1().decode(errors="replace")
        first.send_signal(signal.SIGKILL)
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()
    smtp.release.set()
    assert smtp.messages == []

    time.sleep(1.5)  # the killed worker's lease runs out
    second = start_worker(database_url, smtp.port, "--batch")
    output, _ = second.communicate(timeout=60)
    assert second.returncode == 0, output.decode(errors="replace")

    assert smtp.message_ids() == [stable_message_id("receipt", gift.pk)]  # once
    sync_back()
    gift.refresh_from_db()
    assert gift.receipt_sent_at is not None
    [row] = tasks()
    assert row.status == "SUCCESSFUL" and len(row.worker_ids) == 2


def test_which_mail_errors_are_worth_retrying():
    import smtplib

    from ijm_site.taskqueue.worker import is_permanent

    assert not is_permanent(ConnectionRefusedError())
    assert not is_permanent(TimeoutError())
    assert not is_permanent(smtplib.SMTPServerDisconnected("gone"))
    assert not is_permanent(smtplib.SMTPDataError(451, b"try again later"))
    assert not is_permanent(smtplib.SMTPAuthenticationError(535, b"bad login"))  # our settings
    assert is_permanent(smtplib.SMTPDataError(554, b"rejected"))
    assert is_permanent(smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")}))
    assert not is_permanent(smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"busy")}))
