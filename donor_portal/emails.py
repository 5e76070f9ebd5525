"""Emails of the portal, rendered and sent in the worker (never stored, never in a request).

A sign-in link exists only in the message the worker builds and hands to the mail server: the
task carries the email address (and a language code) alone, and
:func:`~ijm_site.taskqueue.mail.deliver` bypasses the queued-email table (which keeps whole
messages at rest until sent).

Each is written in its reader's language: a sign-in link in the language of the page that asked
for it (the task carries the code), a statement in the language of the donor's latest gift.
Subject, body and links (``/fil/monthly-gift/…`` under Filipino) are rendered under
``translation.override``.
"""

import logging
from email.utils import make_msgid
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from donations.models import Donation, RecurringGift, supported_language
from donations.receipts import _organisation
from donor_portal import links
from donor_portal.models import GivingStatement
from donor_portal.statements import find_statement
from ijm_site.taskqueue.mail import deliver, stable_message_id

logger = logging.getLogger("ijm.payments")


def absolute(path: str) -> str:
    return (settings.PORTAL_BASE_URL or settings.WAGTAILADMIN_BASE_URL).rstrip("/") + path


def find_manageable_gifts(email: str):
    """A donor's monthly gifts that have not ended, newest first."""
    return RecurringGift.objects.filter(donor_email__iexact=email.strip()).exclude(
        status__in=RecurringGift.ENDED
    )


def _message(template: str, subject: str, to: str, context: dict, message_id: str):
    context = {**context, "organisation": _organisation()}
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"donor_portal/emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id},
    )
    message.attach_alternative(
        render_to_string(f"donor_portal/emails/{template}.html", context), "text/html"
    )
    return message


def find_language_of(email: str) -> str:
    """The language of the donor's latest gift (the site's default when there is none)."""
    latest = (
        Donation.objects.filter(donor_email__iexact=email.strip())
        .order_by("-created_at", "-pk")
        .values_list("language", flat=True)
        .first()
    )
    return supported_language(latest)


def send_sign_in_link(email: str, language: str = settings.LANGUAGE_CODE) -> bool:
    """Email a fresh sign-in link when the address has a monthly gift; otherwise send nothing.

    The answer the donor saw was the same either way: only this worker knows which it was.
    ``language`` is that of the page the request was posted from.
    """
    if not find_manageable_gifts(email).exists():
        return False
    with translation.override(supported_language(language)):
        _send_sign_in_link(email)
    logger.info("portal sign-in link sent")
    return True


def _send_sign_in_link(email: str) -> None:
    token = links.make_token(email, links.SIGN_IN)
    url = absolute(reverse("donor_portal:sign_in") + "?" + urlencode({"token": token}))
    context = {
        "sign_in_url": url,
        "minutes": links.LIFETIMES[links.SIGN_IN] // 60,
        "request_url": absolute(reverse("donor_portal:request")),
    }
    subject = gettext("Your link to manage your monthly gift")
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">") or None
    deliver(_message("sign_in_link", subject, email, context, make_msgid(domain=domain)))


def send_giving_statement(statement_id: int) -> bool:
    """Send one statement unless already sent; the address is forgotten once it has gone."""
    statement = GivingStatement.objects.filter(pk=statement_id, sent_at__isnull=True).first()
    if statement is None or not statement.email:
        return False
    with translation.override(find_language_of(statement.email)):
        _send_giving_statement(statement)
    GivingStatement.objects.filter(pk=statement.pk, sent_at__isnull=True).update(
        sent_at=timezone.now(), email=""
    )
    logger.info("giving statement sent statement=%s year=%s", statement.pk, statement.year)
    return True


def _send_giving_statement(statement: GivingStatement) -> None:
    context = {
        "year": statement.year,
        "totals": find_statement(statement.email, statement.year),
        "manage_url": absolute(reverse("donor_portal:request")),
    }
    subject = gettext("Your giving statement for %(year)s") % {"year": statement.year}
    deliver(
        _message(
            "giving_statement",
            subject,
            statement.email,
            context,
            stable_message_id("giving-statement", statement.pk),
        )
    )
