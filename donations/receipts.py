"""Emails to donors: a receipt after each payment, a note when a monthly payment fails.

They run in the background worker (``donations/tasks.py``), rendered from the donation's id at
send time. Each is recorded as sent (``receipt_sent_at``, ``failure_note_sent_at``) only once
the mail server has accepted it: a worker killed or a server down before that loses nothing, and
the task's retry sends it. The one repeat possible, a kill between the server's acceptance and
our record, carries the same Message-ID (derived from the donation and the kind of email), so it
is recognisably the same message.

Each is written in the donor's language (``Donation.language``): subject, body, dates, amounts
and links (the portal's address under that language's prefix) are all rendered under
``translation.override`` in the worker, which has no request to take a language from.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.models import Site

from donations.models import Donation
from ijm_site.taskqueue.mail import deliver, stable_message_id

logger = logging.getLogger("ijm.payments")


def _organisation():
    from pages.settings import OrganisationSettings

    site = Site.objects.filter(is_default_site=True).first()
    return OrganisationSettings.for_site(site) if site else OrganisationSettings()


def manage_gift_url() -> str:
    """The form where a monthly donor asks for a sign-in link (never a sign-in link itself),
    in the active language (``/fil/monthly-gift/`` under Filipino)."""
    base = getattr(settings, "PORTAL_BASE_URL", "") or settings.WAGTAILADMIN_BASE_URL
    return base.rstrip("/") + reverse("donor_portal:request")


def _message(template: str, subject: str, donation: Donation) -> EmailMultiAlternatives:
    context = {
        "donation": donation,
        "organisation": _organisation(),
        "manage_url": manage_gift_url() if donation.recurring_gift_id else "",
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"donations/emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[donation.donor_email],
        headers={"Message-ID": stable_message_id(template, donation.pk)},
    )
    message.attach_alternative(
        render_to_string(f"donations/emails/{template}.html", context), "text/html"
    )
    return message


def receipt_message(donation: Donation) -> EmailMultiAlternatives:
    with translation.override(donation.language):
        subject = gettext("Your receipt %(number)s: thank you") % {
            "number": donation.receipt_number
        }
        return _message("receipt", subject, donation)


def failed_payment_message(donation: Donation) -> EmailMultiAlternatives:
    with translation.override(donation.language):
        subject = gettext("Your monthly gift did not go through")
        return _message("payment_failed", subject, donation)


def _send_once(donation_id: int, status: str, sent_field: str, build) -> Donation | None:
    """Send unless already recorded as sent; record it only after the server took it."""
    donation = Donation.objects.filter(
        pk=donation_id, status=status, **{f"{sent_field}__isnull": True}
    ).first()
    if donation is None:
        return None
    deliver(build(donation))
    Donation.objects.filter(pk=donation_id, **{f"{sent_field}__isnull": True}).update(
        **{sent_field: timezone.now()}
    )
    return donation


def send_receipt(donation_id: int) -> bool:
    donation = _send_once(donation_id, Donation.Status.PAID, "receipt_sent_at", receipt_message)
    if donation is None:
        return False
    logger.info("receipt sent donation=%s receipt=%s", donation.pk, donation.receipt_number)
    return True


def send_failed_payment_note(donation_id: int) -> bool:
    donation = _send_once(
        donation_id, Donation.Status.FAILED, "failure_note_sent_at", failed_payment_message
    )
    if donation is None:
        return False
    logger.info("failed-payment note sent donation=%s", donation.pk)
    return True
