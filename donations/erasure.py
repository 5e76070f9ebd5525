"""Erasing a donor's personal data while the money record stays, for Finance.

A donor may ask to be forgotten; the accounts must still add up. :func:`erase_donor` blanks
what names or reaches the donor (name, email, dedication, Stripe customer reference) on every
gift and monthly gift given with that email; deletes the stored email tasks (queued or
finished: their results and tracebacks may quote the donor) whose arguments point at those
gifts; and blanks the site's record of emails to that address (``QueuedEmail``: recipients,
subject and any undelivered message, which is then never sent). Amounts, currencies,
statuses, dates and Stripe's payment references (session, PaymentIntent, invoice,
subscription) stay for the books.

It is refused while a monthly gift with that email is still running: Stripe would keep charging
a donor we could no longer name or write to. Cancel the gift first, then erase.

Nothing brings erased data back: webhooks and ``reconcile_donations`` take donor details only
from our own records, and an erased gift never takes a Stripe customer reference again
(:meth:`Donation._fill_stripe_ids`).

After erasing, inside the same transaction, the signal :data:`donor_erased` is sent
(``sender=Donation``, ``email``, ``by_user``, ``erasure``, ``monthly_gift_ids``) so other apps
(the donor portal's audit lines) erase their own copies; a receiver that raises undoes the whole
erasure. The gift ids matter because the gifts' own email is already blank when it is sent.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from donations.models import Donation, RecurringGift
from ijm_site.taskqueue.models import QueuedEmail
from ijm_site.taskqueue.records import find_stored_tasks

logger = logging.getLogger("ijm.payments")

donor_erased = Signal()
"""Sent after a donor's personal data was erased: ``email``, ``by_user``, ``erasure``,
``monthly_gift_ids`` (the erased monthly gifts)."""

DONATION_TASKS = ("donations.tasks.send_receipt", "donations.tasks.send_failed_payment_note")
"""Tasks whose first argument is a donation id (their rendered emails name the donor)."""
EMAIL_TASKS = ("ijm_site.taskqueue.mail.send_queued_email",)
"""Tasks whose first argument is a ``QueuedEmail`` id."""


class ErasureRefused(Exception):
    """The donor cannot be erased yet; the message says why and what to do."""


@dataclass(frozen=True)
class Erasure:
    donations: int
    monthly_gifts: int
    task_results: int


@dataclass(frozen=True)
class ErasurePlan:
    """What an erasure would touch, shown to Finance before they confirm."""

    email: str
    donations: int
    monthly_gifts: int
    running_monthly_gifts: int

    @property
    def has_data(self) -> bool:
        return bool(self.donations or self.monthly_gifts)

    @property
    def refusal(self) -> str:
        if not self.running_monthly_gifts:
            return ""
        return _(
            "This donor still has a monthly gift running. Cancel it first (in Stripe's "
            "dashboard, or ask the donor to), wait until it shows as cancelled here, then erase."
        )


def _donations_of(email: str):
    return Donation.objects.filter(donor_email__iexact=email.strip(), erased_at__isnull=True)


def _gifts_of(email: str):
    return RecurringGift.objects.filter(donor_email__iexact=email.strip(), erased_at__isnull=True)


def find_erasure_plan(email: str) -> ErasurePlan:
    gifts = _gifts_of(email)
    return ErasurePlan(
        email=email.strip(),
        donations=_donations_of(email).count(),
        monthly_gifts=gifts.count(),
        running_monthly_gifts=gifts.exclude(status__in=RecurringGift.ENDED).count(),
    )


def _emails_to(email: str) -> list[int]:
    """The site's queued or sent emails with this address among their recipients."""
    wanted = email.strip().lower()
    return [
        row.pk
        for row in QueuedEmail.objects.only("id", "recipients").iterator()
        if any(str(address).strip().lower() == wanted for address in row.recipients or [])
    ]


def erase_donor(email: str, *, by_user) -> Erasure:
    """Erase the personal data of the donor who gave with ``email`` (any letter case).

    Raises :class:`ErasureRefused` while one of their monthly gifts is still running.
    """
    if not email or not email.strip():
        raise ErasureRefused(_("Enter the donor's email address."))
    now = timezone.now()
    with transaction.atomic():
        gifts = list(_gifts_of(email).select_for_update())
        if any(gift.status not in RecurringGift.ENDED for gift in gifts):
            raise ErasureRefused(find_erasure_plan(email).refusal)
        donations = list(_donations_of(email).select_for_update())
        for donation in donations:
            donation.donor_name = ""
            donation.donor_email = ""
            donation.dedication_type = ""
            donation.dedication_name = ""
            donation.stripe_customer_id = ""
            donation.erased_at = now
        Donation.objects.bulk_update(
            donations,
            ["donor_name", "donor_email", "dedication_type", "dedication_name",
             "stripe_customer_id", "erased_at"],
        )  # fmt: skip
        for gift in gifts:
            gift.donor_name = ""
            gift.donor_email = ""
            gift.stripe_customer_id = ""
            gift.erased_at = now
        RecurringGift.objects.bulk_update(
            gifts, ["donor_name", "donor_email", "stripe_customer_id", "erased_at"]
        )
        email_ids = _emails_to(email)
        QueuedEmail.objects.filter(pk__in=email_ids).update(recipients=[], subject="", message=None)
        donation_ids = {d.pk for d in donations}
        task_ids = find_stored_tasks(DONATION_TASKS, donation_ids.__contains__)
        task_ids += find_stored_tasks(EMAIL_TASKS, set(email_ids).__contains__)
        DBTaskResult.objects.filter(pk__in=task_ids).delete()
        erasure = Erasure(len(donations), len(gifts), len(task_ids))
        donor_erased.send(
            sender=Donation,
            email=email.strip(),
            by_user=by_user,
            erasure=erasure,
            monthly_gift_ids=[gift.pk for gift in gifts],
        )
    logger.info(
        "donor erased by user=%s donations=%s monthly_gifts=%s task_results=%s",
        getattr(by_user, "pk", None), erasure.donations, erasure.monthly_gifts,
        erasure.task_results,
    )  # fmt: skip
    return erasure
