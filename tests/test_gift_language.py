"""The gift in the donor's language: a Filipino donate page opens Stripe in Filipino, the gift
records it, and every email to that donor (receipt, failed-payment note, sign-in link, giving
statement) is written in Filipino with links to the Filipino pages. English donors see no change.
Finance sees each gift's language in the listings and the export.

The Filipino donate page is built here with Wagtail's ``copy_for_translation`` (the seed's
Filipino tree is another helper's work). ``/fil/`` is routed by ``i18n_patterns`` in
``ijm_site/urls.py`` and Django's ``LocaleMiddleware``, added here when settings lack it.
"""

import csv
import io
import logging
import re

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.models import Locale

from donations import receipts
from donations.models import DonatePage, Donation, RecurringGift
from donor_portal import emails
from donor_portal.statements import queue_statements
from tests.portal_steps import deliver_events

pytestmark = pytest.mark.django_db

LOCALE_MIDDLEWARE = "django.middleware.locale.LocaleMiddleware"


@pytest.fixture
def i18n_routing(settings):
    """``/fil/…`` served in Filipino (core's settings bring this middleware; until then, here)."""
    if LOCALE_MIDDLEWARE not in settings.MIDDLEWARE:
        middleware = list(settings.MIDDLEWARE)
        after = middleware.index("django.contrib.sessions.middleware.SessionMiddleware") + 1
        middleware.insert(after, LOCALE_MIDDLEWARE)
        settings.MIDDLEWARE = middleware
    yield
    translation.deactivate()  # the middleware leaves the last request's language active


@pytest.fixture
def filipino_donate_page(donate_page, i18n_routing) -> DonatePage:
    fil, _created = Locale.objects.get_or_create(language_code="fil")
    page = DonatePage.objects.filter(locale=fil).first()
    if page is None:
        page = donate_page.copy_for_translation(fil, copy_parents=True).specific
    for ancestor in page.get_ancestors().filter(depth__gt=1).specific():
        if not ancestor.live:
            ancestor.save_revision().publish()
    page.save_revision().publish()
    page.refresh_from_db()
    assert page.url.startswith("/fil/")
    return page


def _give(client, page_url: str, **choices):
    html = client.get(page_url).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    data = {
        "currency": "PHP", "frequency": "once", "amount_choice": "100000", "custom_amount": "",
        "name": "Maria Santos", "email": "maria@example.com", "form_token": token, **choices,
    }  # fmt: skip
    return client.post(page_url, data), data


def _pay(fake_stripe, post_event, response) -> Donation:
    session_id = response["Location"].rsplit("/", 1)[-1]
    fake_stripe.complete_session(session_id)
    assert set(deliver_events(fake_stripe, post_event)) == {200}
    return Donation.objects.get(stripe_checkout_session_id=session_id)


def _in(language: str, message: str, **values) -> str:
    with translation.override(language):
        return gettext(message) % values if values else gettext(message)


def _letter_date(moment, fmt: str) -> str:
    from django.utils.dateformat import format as date_format

    with translation.override("fil"):
        return date_format(timezone.localtime(moment), fmt)


# Giving from the Filipino page ---------------------------------------------------------------


def test_a_gift_from_the_filipino_page_opens_stripe_in_filipino_and_the_receipt_is_filipino(
    client, fake_stripe, post_event, filipino_donate_page
):
    response, _data = _give(client, filipino_donate_page.url)
    assert response.status_code == 303
    assert fake_stripe.locales_received() == ["fil"]
    [session] = fake_stripe.sessions.values()
    assert session["locale"] == "fil"
    donation = Donation.objects.get()
    assert donation.language == "fil"
    assert donation.page_id == filipino_donate_page.pk

    mail.outbox.clear()
    donation = _pay(fake_stripe, post_event, response)
    [receipt] = mail.outbox
    assert receipt.to == ["maria@example.com"]
    assert receipt.subject == _in(
        "fil", "Your receipt %(number)s: thank you", number=donation.receipt_number
    )
    assert _letter_date(donation.paid_at, "F j, Y") in receipt.body  # "Nobyembre 29, 2026"
    assert "₱1,000" in receipt.body
    html = receipt.alternatives[0][0]
    assert '<html lang="fil">' in html


def test_the_filipino_receipt_subject_comes_from_the_filipino_catalogue(
    client, fake_stripe, post_event, filipino_donate_page
):
    """The catalogue's translation of "Your receipt %(number)s: thank you" is really used."""
    response, _data = _give(client, filipino_donate_page.url)
    donation = _pay(fake_stripe, post_event, response)
    [receipt] = [m for m in mail.outbox if donation.receipt_number in m.subject]
    assert "Salamat sa iyong donasyon" in receipt.subject
    assert donation.receipt_number in receipt.subject


def test_a_monthly_gift_from_the_filipino_page_keeps_filipino_for_its_failed_payment_note(
    client, fake_stripe, post_event, filipino_donate_page
):
    response, _data = _give(
        client, filipino_donate_page.url, currency="USD", frequency="monthly", amount_choice="2500"
    )
    first = _pay(fake_stripe, post_event, response)
    gift = RecurringGift.objects.get()
    assert (first.language, gift.language) == ("fil", "fil")

    mail.outbox.clear()
    fake_stripe.fail_renewal(gift.stripe_subscription_id)
    assert set(deliver_events(fake_stripe, post_event)) == {200}
    failed = Donation.objects.get(status="failed")
    assert failed.language == "fil"  # a later month's payment inherits the gift's language
    [note] = mail.outbox
    assert note.subject == _in("fil", "Your monthly gift did not go through")
    assert "http://testserver/fil/monthly-gift/" in note.body
    assert "http://testserver/monthly-gift/" not in note.body


def test_a_locale_stripe_refuses_falls_back_to_auto_and_the_donor_still_reaches_stripe(
    client, fake_stripe, filipino_donate_page, caplog
):
    fake_stripe.refuse_locale("fil")
    with caplog.at_level(logging.WARNING, logger="ijm.payments"):
        response, data = _give(client, filipino_donate_page.url)
    assert response.status_code == 303
    [session] = fake_stripe.sessions.values()  # one session for one click
    assert response["Location"] == session["url"]
    assert fake_stripe.locales_received() == ["fil", "auto"]
    first, second = fake_stripe.calls("POST", "/v1/checkout/sessions")
    assert second.idempotency_key != first.idempotency_key
    assert second.idempotency_key.startswith(first.idempotency_key)
    donation = Donation.objects.get()
    assert (donation.status, donation.stripe_checkout_session_id) == ("pending", session["id"])
    assert donation.language == "fil"  # Stripe's page may be English; our emails stay Filipino
    assert any("checkout locale refused" in r.getMessage() for r in caplog.records)

    again = client.post(filipino_donate_page.url, data)  # the same form sent twice
    assert again["Location"] == session["url"]
    assert len(fake_stripe.sessions) == 1


def test_english_donors_are_unchanged(client, fake_stripe, post_event, donate_page):
    response, _data = _give(client, donate_page.url)
    assert response.status_code == 303
    assert fake_stripe.locales_received() == ["en"]
    donation = _pay(fake_stripe, post_event, response)
    assert donation.language == "en"
    [receipt] = mail.outbox
    assert receipt.subject == f"Your receipt {donation.receipt_number}: thank you"
    assert f"Date: {timezone.localtime(donation.paid_at):%-d %B %Y}" in receipt.body
    assert '<html lang="en">' in receipt.alternatives[0][0]


def test_receipts_render_in_the_donation_language_whatever_language_is_active(db):
    donation = Donation.objects.create(
        amount=50000, currency="PHP", frequency="monthly", status="paid", paid_at=timezone.now(),
        donor_name="Ana", donor_email="ana@example.com", language="fil",
    )  # fmt: skip
    with translation.override("en"):
        message = receipts.receipt_message(donation)
    assert message.subject == _in(
        "fil", "Your receipt %(number)s: thank you", number=donation.receipt_number
    )
    with translation.override("fil"):
        assert receipts.manage_gift_url() == "http://testserver/fil/monthly-gift/"


# The portal's emails ---------------------------------------------------------------------------


def test_a_sign_in_link_asked_from_the_filipino_page_comes_in_filipino(
    client, fake_stripe, post_event, donate_page, i18n_routing
):
    response, _data = _give(
        client, donate_page.url, currency="USD", frequency="monthly", amount_choice="2500"
    )
    _pay(fake_stripe, post_event, response)
    mail.outbox.clear()

    assert client.post("/fil/monthly-gift/", {"email": "maria@example.com"}).status_code == 200
    [message] = mail.outbox
    assert message.subject == _in("fil", "Your link to manage your monthly gift")
    assert re.search(r"http://testserver/fil/monthly-gift/sign-in/\?token=\S+", message.body)
    assert re.search(r"http://testserver/fil/monthly-gift/\s", message.body)  # ask again there

    mail.outbox.clear()
    assert client.post("/monthly-gift/", {"email": "maria@example.com"}).status_code == 200
    [english] = mail.outbox
    assert english.subject == "Your link to manage your monthly gift"
    assert re.search(r"http://testserver/monthly-gift/sign-in/\?token=\S+", english.body)


def test_the_worker_writes_the_sign_in_link_in_the_language_the_task_carries(
    client, fake_stripe, post_event, donate_page
):
    response, _data = _give(
        client, donate_page.url, currency="USD", frequency="monthly", amount_choice="2500"
    )
    _pay(fake_stripe, post_event, response)
    mail.outbox.clear()
    assert emails.send_sign_in_link("maria@example.com", "fil") is True
    [message] = mail.outbox
    assert message.subject == _in("fil", "Your link to manage your monthly gift")
    assert "/fil/monthly-gift/sign-in/?token=" in message.body
    assert '<html lang="fil">' in message.alternatives[0][0]


def test_a_giving_statement_comes_in_the_language_of_the_latest_gift(
    client, fake_stripe, post_event, filipino_donate_page, donate_page
):
    english, _data = _give(client, donate_page.url)
    _pay(fake_stripe, post_event, english)
    filipino, _data = _give(client, filipino_donate_page.url, amount_choice="250000")
    latest = _pay(fake_stripe, post_event, filipino)
    mail.outbox.clear()

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert queue_statements(latest.paid_at.year) == (1, 0)
    [statement] = mail.outbox
    assert statement.subject == _in(
        "fil", "Your giving statement for %(year)s", year=latest.paid_at.year
    )
    assert _letter_date(latest.paid_at, "M j, Y") in statement.body
    assert "http://testserver/fil/monthly-gift/" in statement.body


def test_the_card_update_page_at_stripe_opens_in_the_portal_page_language(
    client, fake_stripe, post_event, donate_page, i18n_routing
):
    from donor_portal.links import make_token

    response, _data = _give(
        client, donate_page.url, currency="USD", frequency="monthly", amount_choice="2500"
    )
    _pay(fake_stripe, post_event, response)
    gift = RecurringGift.objects.get()
    signed = client.post("/fil/monthly-gift/sign-in/", {"token": make_token("maria@example.com")})
    assert signed.status_code == 303

    fake_stripe.refuse_locale("xx")  # a refusal of another locale changes nothing here
    opened = client.post(f"/fil/monthly-gift/manage/{gift.pk}/card/")
    assert opened.status_code == 303
    assert fake_stripe.locales_received("/v1/billing_portal/sessions") == ["fil"]
    [portal] = fake_stripe.portal_sessions.values()
    assert portal["return_url"] == "http://testserver/fil/monthly-gift/manage/"

    fake_stripe.refuse_locale("fil")
    again = client.post(f"/fil/monthly-gift/manage/{gift.pk}/card/")
    assert again.status_code == 303
    assert fake_stripe.locales_received("/v1/billing_portal/sessions") == ["fil", "fil", "auto"]


# Finance -----------------------------------------------------------------------------------------


@pytest.fixture
def finance(client, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username="fin", password="x-secret-password-1")
    user.groups.add(Group.objects.get(name="Finance"))
    client.force_login(user)
    return client


@pytest.fixture
def gifts_in_two_languages(db):
    now = timezone.now()
    gift = RecurringGift.objects.create(
        stripe_subscription_id="sub_fil", amount=50000, currency="PHP", donor_name="Lito Bautista",
        donor_email="lito@example.com", language="fil",
    )  # fmt: skip
    Donation.objects.create(
        amount=50000, currency="PHP", frequency="monthly", status="paid", paid_at=now,
        donor_name="Lito Bautista", donor_email="lito@example.com", language="fil",
        recurring_gift=gift,
    )  # fmt: skip
    Donation.objects.create(
        amount=2500, currency="USD", frequency="once", status="paid", paid_at=now,
        donor_name="Ann Smith", donor_email="ann@example.com",
    )  # fmt: skip


def _text(response) -> str:
    from tests.conftest import visible_text

    return visible_text(response.content.decode())


def test_finance_sees_and_filters_the_language_of_each_gift(finance, gifts_in_two_languages):
    listing = _text(finance.get("/admin/donations/"))
    assert "Language" in listing and "Filipino" in listing and "English" in listing
    filipino = _text(finance.get("/admin/donations/", {"language": "fil"}))
    assert "lito@example.com" in filipino and "ann@example.com" not in filipino
    monthly = _text(finance.get("/admin/monthly-gifts/", {"language": "fil"}))
    assert "Language" in monthly and "lito@example.com" in monthly
    assert "lito@example.com" not in _text(finance.get("/admin/monthly-gifts/", {"language": "en"}))


def test_the_export_has_the_language_column(finance, gifts_in_two_languages):
    response = finance.get("/admin/donations/", {"export": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {row["Donor email"]: row for row in csv.DictReader(io.StringIO(body))}
    assert rows["lito@example.com"]["Language"] == "fil"
    assert rows["ann@example.com"]["Language"] == "en"

    from openpyxl import load_workbook

    xlsx = finance.get("/admin/monthly-gifts/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    headings = [cell.value for cell in sheet[1]]
    assert sheet.cell(2, headings.index("Language") + 1).value == "fil"
