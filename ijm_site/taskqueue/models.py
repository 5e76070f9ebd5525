"""What the durable queue keeps beside django-tasks-db's own task rows."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """A running worker says it is alive every few seconds.

    A task left RUNNING by a worker that has gone silent (killed, out of memory, machine lost) is
    put back in the queue by the next worker that looks (``worker.recover_abandoned_tasks``).
    """

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True)
    started_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("worker heartbeat")

    def __str__(self):
        return f"{self.worker_id} ({self.hostname}:{self.pid})"


class QueuedEmail(models.Model):
    """An email that some code sent through Django's mail API, waiting for the worker.

    The task carries only this row's id. The row holds the message until it is delivered, then
    its content is wiped (a password-reset link must not linger) and only who, what and when stay.
    The Message-ID is fixed when the message is queued, so a retry sends the same message.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=255, unique=True)
    subject = models.CharField(max_length=998)
    recipients = models.JSONField(default=list, help_text=_("To, Cc and Bcc addresses."))
    message = models.JSONField(
        null=True, help_text=_("The message's parts until it is delivered, then nothing.")
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("queued email")

    def __str__(self):
        return self.subject
