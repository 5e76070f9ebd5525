"""Emails to donors as durable background tasks (``ijm_site/taskqueue``).

The webhook enqueues them inside its transaction, so they commit with the gift, with the
donation's id only; the worker renders and sends them, and retries while the mail server refuses
or hangs. Names and arguments
are a contract with ``donations/webhooks.py``.
"""

from django_tasks import task

from donations import receipts
from ijm_site.taskqueue import BACKEND, EMAIL_QUEUE


@task(backend=BACKEND, queue_name=EMAIL_QUEUE)
def send_receipt(donation_id: int) -> bool:
    return receipts.send_receipt(donation_id)


@task(backend=BACKEND, queue_name=EMAIL_QUEUE)
def send_failed_payment_note(donation_id: int) -> bool:
    return receipts.send_failed_payment_note(donation_id)
