"""Emails to donors: a receipt after each payment, a note when a monthly payment fails.

Each is sent once: the receipt stamps ``receipt_sent_at`` with a conditional update, so a task
that runs twice (a retried job, a repeated event) cannot send a second copy.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone
from wagtail.models import Site

from donations.models import Donation

logger = logging.getLogger("ijm.payments")


def _organisation():
    from pages.settings import OrganisationSettings

    site = Site.objects.filter(is_default_site=True).first()
    return OrganisationSettings.for_site(site) if site else OrganisationSettings()


def _send(template: str, subject: str, donation: Donation) -> None:
    context = {"donation": donation, "organisation": _organisation()}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"donations/emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[donation.donor_email],
    )
    message.attach_alternative(
        render_to_string(f"donations/emails/{template}.html", context), "text/html"
    )
    message.send()


def send_receipt(donation_id: int) -> bool:
    claimed = Donation.objects.filter(
        pk=donation_id, status=Donation.Status.PAID, receipt_sent_at__isnull=True
    ).update(receipt_sent_at=timezone.now())
    if not claimed:
        return False
    donation = Donation.objects.get(pk=donation_id)
    try:
        _send("receipt", f"Your receipt {donation.receipt_number}: thank you", donation)
    except Exception:
        Donation.objects.filter(pk=donation_id).update(receipt_sent_at=None)
        raise
    logger.info("receipt sent donation=%s receipt=%s", donation.pk, donation.receipt_number)
    return True


def send_failed_payment_note(donation_id: int) -> bool:
    donation = Donation.objects.filter(pk=donation_id, status=Donation.Status.FAILED).first()
    if donation is None:
        return False
    _send("payment_failed", "Your monthly gift did not go through", donation)
    logger.info("failed-payment note sent donation=%s", donation.pk)
    return True
