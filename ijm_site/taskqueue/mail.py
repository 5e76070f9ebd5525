"""Every email leaves the request through the durable queue.

``EMAIL_BACKEND`` is :class:`QueuedEmailBackend`: Django's ``send_mail``, Wagtail's moderation and
workflow notifications, password resets and anything else that sends mail only store the message
(:class:`~ijm_site.taskqueue.models.QueuedEmail`) and enqueue its id, in the caller's transaction.
The worker delivers it with ``EMAIL_DELIVERY_BACKEND`` (SMTP in production) and retries while the
mail server refuses or hangs. Our own emails to donors are rendered in the worker from the
donation's id instead (``donations/receipts.py``) and go straight to :func:`deliver`.
"""

import base64
from email.utils import make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_tasks import task

from ijm_site.taskqueue import BACKEND, EMAIL_QUEUE
from ijm_site.taskqueue.models import QueuedEmail


def _mail_domain() -> str:
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def stable_message_id(kind: str, key) -> str:
    """The same Message-ID every time this email is sent (``kind`` of email about ``key``).

    A worker killed after the mail server accepted a message but before we recorded it sends it
    again; the repeat carries the same Message-ID, so mail clients and staff can tell it is one
    message. Keyed with SECRET_KEY so the id does not reveal how many gifts we have.
    """
    digest = salted_hmac("ijm_site.taskqueue.message-id", f"{kind}:{key}").hexdigest()[:24]
    return f"<{kind}.{digest}@{_mail_domain()}>"


def deliver(message: EmailMessage) -> None:
    """Hand a message to the real mail server (``EMAIL_DELIVERY_BACKEND``); raises on failure."""
    message.connection = get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)
    message.send()


def _message_parts(message: EmailMessage) -> dict:
    attachments = []
    for attachment in message.attachments:
        if not isinstance(attachment, tuple):
            raise TypeError("Only (filename, content, mimetype) attachments can be queued.")
        filename, content, mimetype = attachment
        is_bytes = isinstance(content, bytes)
        attachments.append(
            {
                "filename": filename,
                "content": base64.b64encode(content).decode() if is_bytes else content,
                "base64": is_bytes,
                "mimetype": mimetype,
            }
        )
    return {
        "subject": str(message.subject),
        "body": str(message.body),
        "content_subtype": message.content_subtype,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": {str(k): str(v) for k, v in message.extra_headers.items()},
        "alternatives": [
            [str(content), mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def _message_from_parts(parts: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=parts["subject"],
        body=parts["body"],
        from_email=parts["from_email"],
        to=parts["to"],
        cc=parts["cc"],
        bcc=parts["bcc"],
        reply_to=parts["reply_to"],
        headers=parts["headers"],
        alternatives=[tuple(alternative) for alternative in parts["alternatives"]],
    )
    message.content_subtype = parts["content_subtype"]
    for attachment in parts["attachments"]:
        content = attachment["content"]
        message.attach(
            attachment["filename"],
            base64.b64decode(content) if attachment["base64"] else content,
            attachment["mimetype"],
        )
    return message


class QueuedEmailBackend(BaseEmailBackend):
    """Stores each message and enqueues its delivery; never talks to a mail server itself."""

    def send_messages(self, email_messages) -> int:
        queued = 0
        for message in email_messages:
            try:
                self._queue(message)
            except Exception:
                if not self.fail_silently:
                    raise
            else:
                queued += 1
        return queued

    @staticmethod
    def _queue(message: EmailMessage) -> None:
        headers = {key.lower(): value for key, value in message.extra_headers.items()}
        if "message-id" not in headers:
            message.extra_headers["Message-ID"] = make_msgid(domain=_mail_domain())
        with transaction.atomic():
            row = QueuedEmail.objects.create(
                message_id=message.extra_headers.get("Message-ID") or headers["message-id"],
                subject=str(message.subject)[:998],
                recipients=message.recipients(),
                message=_message_parts(message),
            )
            send_queued_email.enqueue(row.pk)


@task(backend=BACKEND, queue_name=EMAIL_QUEUE)
def send_queued_email(queued_email_id: int) -> bool:
    """Deliver one queued email; False when it was already delivered (a repeated task)."""
    row = QueuedEmail.objects.filter(pk=queued_email_id, sent_at__isnull=True).first()
    if row is None or row.message is None:
        return False
    deliver(_message_from_parts(row.message))
    QueuedEmail.objects.filter(pk=row.pk).update(sent_at=timezone.now(), message=None)
    return True
