"""Background tasks (django-tasks): emails leave the webhook's request/transaction."""

from django_tasks import task

from donations import receipts


@task()
def send_receipt(donation_id: int) -> bool:
    return receipts.send_receipt(donation_id)


@task()
def send_failed_payment_note(donation_id: int) -> bool:
    return receipts.send_failed_payment_note(donation_id)
