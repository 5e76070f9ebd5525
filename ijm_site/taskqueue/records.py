"""What staff see of the durable queue: tasks waiting or failed, what each is about, a retry."""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django_tasks_db.models import DBTaskResult, get_date_max

from ijm_site.taskqueue import BACKEND

WAITING = ("READY", "RUNNING")
FAILED = "FAILED"

TASK_LABELS = {
    "donations.tasks.send_receipt": gettext_lazy("Receipt for gift"),
    "donations.tasks.send_failed_payment_note": gettext_lazy("Failed-payment note for gift"),
    "ijm_site.taskqueue.mail.send_queued_email": gettext_lazy("Email"),
    "donor_portal.tasks.send_sign_in_link": gettext_lazy("Sign-in link"),
    "donor_portal.tasks.send_giving_statement": gettext_lazy("Giving statement"),
}


def open_tasks():
    """The durable backend's tasks that are not done: waiting (incl. retrying), running, failed."""
    return DBTaskResult.objects.filter(
        backend_name=BACKEND, status__in=[*WAITING, FAILED]
    ).order_by("-enqueued_at")


def counts() -> dict:
    return open_tasks().aggregate(
        waiting=Count("id", filter=Q(status__in=WAITING)),
        failed=Count("id", filter=Q(status=FAILED)),
    )


def find_stored_tasks(task_paths, first_arg_matches) -> list[int]:
    """Ids of the stored tasks of ``task_paths`` whose first argument ``first_arg_matches``,
    except one running right now (erasure removes what the queue keeps about a person)."""
    results = DBTaskResult.objects.filter(task_path__in=task_paths).exclude(status="RUNNING")
    found = []
    for result in results.only("id", "args_kwargs").iterator():
        args = (result.args_kwargs or {}).get("args") or [None]
        if first_arg_matches(args[0]):
            found.append(result.pk)
    return found


def describe(row: DBTaskResult) -> str:
    """A line a person can read: what the task sends, and about which record."""
    from ijm_site.taskqueue.models import QueuedEmail

    label = TASK_LABELS.get(row.task_path, row.task_path.rpartition(".")[2])
    args = row.args_kwargs.get("args") or []
    if row.task_path.endswith("send_queued_email") and args:
        subject = QueuedEmail.objects.filter(pk=args[0]).values_list("subject", flat=True).first()
        return f"{label}: {subject}" if subject else str(label)
    if not args:
        return str(label)
    return f"{label} #{args[0]}" if isinstance(args[0], int) else f"{label}: {args[0]}"


def attempts(row: DBTaskResult) -> int:
    return len(row.worker_ids)


def next_attempt(row: DBTaskResult):
    if row.status != "READY":
        return None
    return None if row.run_after == get_date_max() else row.run_after


def last_error(row: DBTaskResult) -> str:
    """The last line of the last error (the exception and its message), not the whole traceback."""
    lines = [line for line in (row.traceback or "").strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def status_label(row: DBTaskResult) -> str:
    if row.status == FAILED:
        return gettext("Failed")
    if row.status == "RUNNING":
        return gettext("Running")
    return gettext("Retrying") if row.worker_ids else gettext("Waiting")


def retry_failed_task(task_id) -> bool:
    """Queue a failed task again, now, with a fresh retry window. False if it had not failed."""
    now = timezone.now()
    return bool(
        DBTaskResult.objects.filter(pk=task_id, backend_name=BACKEND, status=FAILED).update(
            status="READY",
            run_after=now,
            enqueued_at=now,
            finished_at=None,
        )
    )
