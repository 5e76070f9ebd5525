"""Finance erases a donor's personal data; the money record stays and nothing brings it back."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from donations.erasure import ErasureRefused, donor_erased, erase_donor
from donations.models import Donation, RecurringGift
from ijm_site.taskqueue.models import QueuedEmail
from tests.admin_users import signed_in
from tests.conftest import visible_text
from tests.test_donations_checkout import DONATE_URL, _gift

pytestmark = pytest.mark.django_db

ERASE_URL = "/admin/donations/erase-donor/"


def _task(path: str, first_arg: int, status: str = "SUCCESSFUL") -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path=path,
        args_kwargs={"args": [first_arg], "kwargs": {}},
        queue_name="email",
        backend_name="background",
        run_after=timezone.now(),
        status=status,
        traceback="SMTPRecipientsRefused: {'maria@example.com': (550, 'no such user')}",
    )


@pytest.fixture
def maria(db):
    """Maria gave once with a dedication and monthly (since cancelled); Jo gave too."""
    gift = RecurringGift.objects.create(
        stripe_subscription_id="sub_maria", stripe_customer_id="cus_maria", amount=50000,
        currency="PHP", status="canceled", donor_name="Maria Santos",
        donor_email="maria@example.com",
    )  # fmt: skip
    once = Donation.objects.create(
        amount=100000, currency="PHP", frequency="once", status="paid", paid_at=timezone.now(),
        donor_name="Maria Santos", donor_email="Maria@Example.com", dedication_type="memory",
        dedication_name="Lola Rosa", stripe_customer_id="cus_maria",
        stripe_checkout_session_id="cs_maria", stripe_payment_intent_id="pi_maria",
    )  # fmt: skip
    monthly = Donation.objects.create(
        amount=50000, currency="PHP", frequency="monthly", status="paid", recurring_gift=gift,
        donor_name="Maria Santos", donor_email="maria@example.com", stripe_invoice_id="in_maria",
        stripe_customer_id="cus_maria",
    )  # fmt: skip
    jo = Donation.objects.create(
        amount=2500, currency="USD", frequency="once", status="paid",
        donor_name="Jo Cruz", donor_email="jo@example.com",
    )  # fmt: skip
    return {"gift": gift, "once": once, "monthly": monthly, "jo": jo}


def test_erasing_a_donor_blanks_who_they_are_and_keeps_the_money_record(maria, admin_user):
    erasure = erase_donor("maria@example.com", by_user=admin_user)

    assert (erasure.donations, erasure.monthly_gifts) == (2, 1)
    once = Donation.objects.get(pk=maria["once"].pk)
    assert (once.donor_name, once.donor_email, once.dedication_name, once.dedication_type) == (
        "", "", "", ""
    )  # fmt: skip
    assert once.stripe_customer_id == "" and once.erased_at is not None
    assert (once.amount, once.currency, once.status) == (100000, "PHP", "paid")
    assert (once.stripe_checkout_session_id, once.stripe_payment_intent_id) == (
        "cs_maria",
        "pi_maria",
    )
    gift = RecurringGift.objects.get(pk=maria["gift"].pk)
    assert (gift.donor_name, gift.donor_email, gift.stripe_customer_id) == ("", "", "")
    assert (gift.amount, gift.stripe_subscription_id) == (50000, "sub_maria")
    assert Donation.objects.get(pk=maria["jo"].pk).donor_name == "Jo Cruz"
    assert once.donor_label == "Personal data erased"


def test_erasure_is_refused_while_a_monthly_gift_is_running(maria, admin_user):
    RecurringGift.objects.filter(pk=maria["gift"].pk).update(status="active")
    with pytest.raises(ErasureRefused, match="Cancel it first"):
        erase_donor("maria@example.com", by_user=admin_user)
    assert Donation.objects.get(pk=maria["once"].pk).donor_name == "Maria Santos"


def test_erasure_removes_stored_tasks_and_emails_that_name_the_donor(maria, admin_user):
    receipt = _task("donations.tasks.send_receipt", maria["once"].pk)
    note = _task("donations.tasks.send_failed_payment_note", maria["monthly"].pk, status="FAILED")
    running = _task("donations.tasks.send_receipt", maria["once"].pk, status="RUNNING")
    jo_receipt = _task("donations.tasks.send_receipt", maria["jo"].pk)
    email = QueuedEmail.objects.create(
        message_id="<1@ijm>", subject="Thank you, Maria", recipients=["MARIA@example.com"],
        message={"body": "Dear Maria"},
    )  # fmt: skip
    email_task = _task("ijm_site.taskqueue.mail.send_queued_email", email.pk, status="READY")
    other = QueuedEmail.objects.create(message_id="<2@ijm>", subject="Hi", recipients=["a@b.ph"])

    erasure = erase_donor("maria@example.com", by_user=admin_user)

    remaining = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert receipt.pk not in remaining and note.pk not in remaining
    assert email_task.pk not in remaining
    assert {running.pk, jo_receipt.pk} <= remaining  # a worker holds it; Jo is not erased
    assert erasure.task_results == 3
    email.refresh_from_db()
    assert (email.recipients, email.subject, email.message) == ([], "", None)
    assert QueuedEmail.objects.get(pk=other.pk).recipients == ["a@b.ph"]


def test_other_apps_hear_of_the_erasure(maria, admin_user):
    heard = []

    def receiver(sender, email, by_user, erasure, **kwargs):
        heard.append((sender, email, by_user, erasure.donations))

    donor_erased.connect(receiver)
    try:
        erase_donor(" maria@example.com ", by_user=admin_user)
    finally:
        donor_erased.disconnect(receiver)
    assert heard == [(Donation, "maria@example.com", admin_user, 2)]


def test_reconciliation_never_brings_erased_data_back(
    client, fake_stripe, donate_page, admin_user, django_capture_on_commit_callbacks
):
    """Maria paid, but the webhook was lost; she is erased; then reconciliation runs."""
    assert client.post(DONATE_URL, _gift(client)).status_code == 303
    donation = Donation.objects.get()
    fake_stripe.complete_session(donation.stripe_checkout_session_id)
    fake_stripe.take_events()
    erase_donor("maria@example.com", by_user=admin_user)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("reconcile_donations", stdout=io.StringIO())

    donation.refresh_from_db()
    assert donation.status == "paid"  # the money record is repaired
    assert (donation.donor_name, donation.donor_email, donation.stripe_customer_id) == ("", "", "")


# The admin -------------------------------------------------------------------------------------


def test_finance_looks_up_then_confirms_and_sees_what_is_kept(maria):
    finance = signed_in("fin", "Finance")
    page = visible_text(finance.get(ERASE_URL).content.decode())
    assert "The money record is kept" in page and "cancel the gift first" in page

    looked_up = finance.post(ERASE_URL, {"email": "maria@example.com"})
    text = visible_text(looked_up.content.decode())
    assert "maria@example.com gave 2 gift(s) and 1 monthly gift(s)" in text
    assert Donation.objects.get(pk=maria["once"].pk).donor_name == "Maria Santos"  # not yet

    done = finance.post(ERASE_URL, {"email": "maria@example.com", "confirm": "1"}, follow=True)
    assert "Personal data erased from 2 gift(s) and 1 monthly gift(s)" in visible_text(
        done.content.decode()
    )
    assert Donation.objects.get(pk=maria["once"].pk).donor_email == ""


def test_the_admin_refuses_with_what_to_do_while_a_monthly_gift_runs(maria):
    RecurringGift.objects.filter(pk=maria["gift"].pk).update(status="past_due")
    finance = signed_in("fin", "Finance")
    response = finance.post(ERASE_URL, {"email": "maria@example.com", "confirm": "1"})
    text = visible_text(response.content.decode())
    assert "still has a monthly gift running. Cancel it first" in text
    assert "Yes, erase" not in text
    assert Donation.objects.get(pk=maria["once"].pk).donor_name == "Maria Santos"


def test_a_bad_or_unknown_email_gets_a_clear_message(maria):
    finance = signed_in("fin", "Finance")
    bad = visible_text(finance.post(ERASE_URL, {"email": "maria@"}).content.decode())
    assert "Enter an email address like name@example.com." in bad
    assert 'value="maria@"' in finance.post(ERASE_URL, {"email": "maria@"}).content.decode()
    unknown = visible_text(
        finance.post(ERASE_URL, {"email": "nobody@example.com"}).content.decode()
    )
    assert "No gift with personal data was found for nobody@example.com" in unknown


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_editors_and_moderators_cannot_erase(maria, group):
    editor = signed_in("ed", group)
    response = editor.post(ERASE_URL, {"email": "maria@example.com", "confirm": "1"})
    assert response.status_code in (302, 403)
    assert Donation.objects.get(pk=maria["once"].pk).donor_name == "Maria Santos"
    assert "Erase donor data" not in editor.get("/admin/").content.decode()


def test_finance_sees_the_erase_menu_item():
    assert "Erase donor data" in signed_in("fin", "Finance").get("/admin/").content.decode()


# Finance's dashboard shortcut ------------------------------------------------------------------


def test_this_months_gifts_shortcut_lists_only_this_months_gifts(maria):
    Donation.objects.filter(pk=maria["jo"].pk).update(
        created_at=timezone.now() - timedelta(days=40)
    )
    finance = signed_in("fin", "Finance")
    dashboard = finance.get("/admin/").content.decode()
    start = timezone.localdate().replace(day=1).isoformat()
    link = f"/admin/donations/?created_at__date__gte={start}"
    assert f'href="{link}">This month\'s gifts</a>' in dashboard
    listing = visible_text(finance.get(link).content.decode())
    assert "Maria Santos" in listing and "Jo Cruz" not in listing
