"""django-tasks-db's worker, with the two things it lacks: retries and recovery.

* **Retries with capped backoff.** A task that raises is put back in the queue to run again
  after 2, 4, 8… seconds, never more than ``TASKS_RETRY_MAX_DELAY`` (60 s) apart, so a receipt
  goes out within a minute of the mail server's return. It keeps trying for
  ``TASKS_RETRY_FOR_HOURS`` after it was queued; a mail server that rejects a message for good
  (SMTP 5xx) or a task that no longer exists fails at once. A failed task waits for staff, who
  can retry it from the admin.
* **Recovery.** Each worker writes a heartbeat (:class:`~ijm_site.taskqueue.models.WorkerHeartbeat`)
  every few seconds from a thread of its own. A task left RUNNING by a worker that has been silent
  for ``TASKS_WORKER_LEASE`` seconds is put back in the queue by the next worker that looks, at
  start and every few seconds. A task that was interrupted before the mail server accepted its
  message is thus sent once, later. A task whose worker died under it three times in a row (a
  task that kills its worker) fails instead, for staff to look at.

Attempts are counted by the worker ids django-tasks-db records on each claim.
"""

import logging
import os
import random
import re
import smtplib
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, connection
from django.utils import timezone
from django_tasks import TaskContext
from django_tasks.signals import task_finished, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from ijm_site.taskqueue import EMAIL_QUEUE
from ijm_site.taskqueue.models import WorkerHeartbeat

logger = logging.getLogger("ijm.tasks")

READY, RUNNING, FAILED = "READY", "RUNNING", "FAILED"


def retry_delay(attempt: int) -> float:
    """Seconds before attempt ``attempt + 1``: doubling from the base, capped, with a little jitter
    (so a hundred receipts that failed together do not all knock at once)."""
    delay = settings.TASKS_RETRY_BASE_DELAY * 2 ** max(attempt - 1, 0)
    return min(delay, settings.TASKS_RETRY_MAX_DELAY) * random.uniform(0.8, 1.0)


def is_permanent(error: BaseException) -> bool:
    """Errors that no retry can mend: the mail server refused the message itself (5xx), or the
    task's code is gone. A refused login is our configuration, not the message: it is retried
    until someone fixes the settings."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return 500 <= error.smtp_code < 600
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _ in error.recipients.values())
    return isinstance(error, ImportError | SuspiciousOperation)


def _attempts(row: DBTaskResult) -> int:
    return len(row.worker_ids)


INTERRUPTED = "builtins.ConnectionAbortedError"
MAX_INTERRUPTIONS = 3


def _interruptions(row: DBTaskResult) -> int:
    """How many times in a row this task's worker died under it (kept in its last error)."""
    if row.exception_class_path != INTERRUPTED:
        return 0
    found = re.search(r"interrupted (\d+) times", row.traceback or "")
    return int(found.group(1)) if found else 0


def _retry_window_over(row: DBTaskResult) -> bool:
    return timezone.now() - row.enqueued_at > timedelta(hours=settings.TASKS_RETRY_FOR_HOURS)


def schedule_retry_or_fail(row: DBTaskResult, error: BaseException) -> str:
    """After a failed attempt: back to READY at a later time, or FAILED for staff to see."""
    if is_permanent(error) or _retry_window_over(row):
        row.set_failed(error)
        return FAILED
    row.status = READY
    row.run_after = timezone.now() + timedelta(seconds=retry_delay(_attempts(row)))
    row.exception_class_path = f"{type(error).__module__}.{type(error).__qualname__}"
    row.traceback = f"{row.exception_class_path}: {error}"
    row.save(update_fields=["status", "run_after", "exception_class_path", "traceback"])
    logger.warning(
        "task %s (%s) attempt %d failed, retrying in %.0f s: %s",
        row.id,
        row.task_path,
        _attempts(row),
        (row.run_after - timezone.now()).total_seconds(),
        row.traceback,
    )
    return READY


def recover_abandoned_tasks(backend_name: str) -> int:
    """Put back in the queue each task left RUNNING by a worker that stopped saying it is alive.

    A worker that never wrote a heartbeat (django-tasks-db's plain ``db_worker``) is given the
    same lease from the task's start.
    """
    lease_start = timezone.now() - timedelta(seconds=settings.TASKS_WORKER_LEASE)
    alive = set(
        WorkerHeartbeat.objects.filter(last_seen_at__gte=lease_start).values_list(
            "worker_id", flat=True
        )
    )
    WorkerHeartbeat.objects.filter(last_seen_at__lt=timezone.now() - timedelta(days=1)).delete()
    known = set(WorkerHeartbeat.objects.values_list("worker_id", flat=True))
    recovered = 0
    running = DBTaskResult.objects.filter(status=RUNNING, backend_name=backend_name)
    for row in running:
        owner = row.worker_ids[-1] if row.worker_ids else None
        if owner in alive or (
            owner not in known and row.started_at and row.started_at > lease_start
        ):
            continue
        interruptions = _interruptions(row) + 1
        note = f"{INTERRUPTED}: worker {owner} stopped mid-task (interrupted {interruptions} times)"
        outcome = READY
        if interruptions >= MAX_INTERRUPTIONS or _retry_window_over(row):
            outcome = FAILED  # a task that keeps killing its worker waits for staff
        # One conditional update: only if nobody else recovered or finished it meanwhile.
        claimed = DBTaskResult.objects.filter(
            pk=row.pk, status=RUNNING, started_at=row.started_at
        ).update(
            status=outcome,
            run_after=timezone.now(),
            finished_at=timezone.now() if outcome == FAILED else None,
            exception_class_path=INTERRUPTED,
            traceback=note,
        )
        if not claimed:
            continue
        logger.warning("task %s (%s): %s; now %s", row.id, row.task_path, note, outcome)
        recovered += 1
    return recovered


class Heartbeat(threading.Thread):
    """Every ``TASKS_HEARTBEAT_SECONDS`` until stopped: write this worker's heartbeat, then look
    for tasks that stopped workers left running. A thread of its own, so a long task (a mail
    server that hangs) never makes its worker look dead, and recovery runs while the worker idles.
    """

    def __init__(self, worker_id: str, backend_name: str):
        super().__init__(name=f"heartbeat-{worker_id}", daemon=True)
        self.worker_id = worker_id
        self.backend_name = backend_name
        self.stopped = threading.Event()

    def beat(self) -> None:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={
                "last_seen_at": timezone.now(),
                "hostname": socket.gethostname(),
                "pid": os.getpid(),
            },
        )

    def beat_and_recover(self) -> None:
        try:
            self.beat()
            recover_abandoned_tasks(self.backend_name)
        except DatabaseError:  # a busy database: the next beat will do
            logger.warning("worker %s could not write its heartbeat", self.worker_id)

    def run(self) -> None:
        try:
            while not self.stopped.wait(settings.TASKS_HEARTBEAT_SECONDS):
                self.beat_and_recover()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=settings.TASKS_HEARTBEAT_SECONDS + 5)
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()


def mail_server_unreachable(error: BaseException) -> bool:
    """The mail server could not be reached or dropped us: every other email would fail alike.

    Not a refusal of one message (an SMTP reply code): that is about the message, not the server.
    """
    return isinstance(
        error,
        ConnectionError
        | TimeoutError
        | socket.gaierror
        | smtplib.SMTPConnectError
        | smtplib.SMTPServerDisconnected,
    )


class RetryingWorker(Worker):
    """django-tasks-db's worker loop and claiming, with retries, recovery and a heartbeat.

    While the mail server is unreachable the whole email queue waits, not each email on its own:
    after such a failure the worker claims no email for the retry delay (doubling with each
    failure in a row, capped at ``TASKS_RETRY_MAX_DELAY``), then tries one; the first that goes
    through opens the queue again. A hundred receipts in an outage thus cost one attempt (a claim
    and a write) per pause rather than a hundred, and leave the database to the webhooks that
    are queueing them. Other queues run on meanwhile.
    """

    _mail_paused_until = 0.0
    _mail_failures_in_a_row = 0

    @property
    def excluded_queue_names(self) -> list[str]:
        """django-tasks-db's loop reads this before each claim."""
        if time.monotonic() < self._mail_paused_until:
            return [*self._excluded_queue_names, EMAIL_QUEUE]
        return self._excluded_queue_names

    @excluded_queue_names.setter
    def excluded_queue_names(self, names: list[str]) -> None:
        self._excluded_queue_names = list(names)

    def _note_outcome(self, row: DBTaskResult, error: BaseException | None) -> None:
        if row.queue_name != EMAIL_QUEUE:
            return
        if error is None or not mail_server_unreachable(error):
            self._mail_failures_in_a_row = 0
            self._mail_paused_until = 0.0
            return
        self._mail_failures_in_a_row += 1
        pause = retry_delay(self._mail_failures_in_a_row)
        self._mail_paused_until = time.monotonic() + pause
        logger.warning("mail server unreachable: emails wait %.0f s before the next try", pause)

    def run(self) -> None:
        heartbeat = Heartbeat(self.worker_id, self.backend_name)
        heartbeat.beat_and_recover()
        heartbeat.start()
        try:
            super().run()
        finally:
            heartbeat.stop()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run one claimed task: success is recorded, a failure retried later or marked failed.

        An interrupted task (a second Ctrl-C or SIGTERM) goes back to the queue untouched.
        """
        try:
            self.running_task = True
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = type(task.get_backend())
            task_started.send(sender=backend_type, task_result=task_result)
            args, kwargs = task_result.args, task_result.kwargs
            if task.takes_context:
                return_value = task.call(TaskContext(task_result=task_result), *args, **kwargs)
            else:
                return_value = task.call(*args, **kwargs)
            db_task_result.set_successful(return_value)
            self._note_outcome(db_task_result, None)
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except (KeyboardInterrupt, SystemExit):
            DBTaskResult.objects.filter(pk=db_task_result.pk).update(
                status=READY, run_after=timezone.now()
            )
            raise
        except Exception as error:
            self._note_outcome(db_task_result, error)
            if schedule_retry_or_fail(db_task_result, error) == FAILED:
                logger.exception("task %s (%s) failed", db_task_result.id, db_task_result.task_path)
        finally:
            self.running_task = False
            self._run_tasks += 1
