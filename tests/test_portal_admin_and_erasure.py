"""Finance reads the audit lines of a monthly gift in the admin; addresses are cleared after the
stated period and at erasure; receipts of monthly gifts link to the request form."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from donor_portal.erasure import erase_for_email
from donor_portal.models import GiftChange, GivingStatement, email_digest
from tests.admin_users import signed_in
from tests.conftest import visible_text
from tests.portal_steps import MANAGE, sign_in

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.portal_fixtures"]

CHANGES = "/admin/monthly-gift-changes/"


@pytest.fixture
def changed_gift(client, monthly_gift, fake_stripe):
    gift = monthly_gift(email="maria@example.com")
    sign_in(client, "maria@example.com")
    client.post(f"{MANAGE}{gift.pk}/amount/", {"amount": "10"})
    client.post(f"{MANAGE}{gift.pk}/cancel/", {"reason": "Moving abroad"})
    return gift


def test_finance_sees_who_changed_what_when_and_from_where(changed_gift):
    finance = signed_in("fiona", "Finance")
    response = finance.get(f"{CHANGES}?gift={changed_gift.pk}")
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert "maria@example.com" in text and "127.0.0.1" in text
    assert "Amount changed" in text and "US$25 → US$10" in text
    assert "Cancelled" in text and "Moving abroad" in text
    assert finance.get(f"{CHANGES}?export=csv").status_code == 200


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_editors_and_moderators_never_see_them(changed_gift, group):
    staff = signed_in(f"{group.lower()}-user", group)
    assert staff.get(CHANGES).status_code in (302, 403)
    assert "Monthly gift changes" not in staff.get("/admin/").content.decode()


def test_addresses_are_cleared_after_the_stated_period(changed_gift, settings):
    assert settings.PORTAL_ADDRESS_RETENTION_DAYS == 90
    old = GiftChange.objects.filter(action="amount")
    old.update(at=timezone.now() - timedelta(days=91))
    call_command("clear_portal_addresses", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert GiftChange.objects.get(action="amount").client_address is None
    assert GiftChange.objects.get(action="cancel").client_address == "127.0.0.1"


def test_erasure_clears_the_donors_personal_data_but_keeps_the_history(changed_gift):
    GivingStatement.objects.create(year=2025, email_digest=email_digest("maria@example.com"))
    result = erase_for_email("Maria@Example.com")
    assert result["audit_lines"] == 2 and result["statements"] == 1
    for line in GiftChange.objects.all():
        assert line.client_address is None and line.reason == ""
        assert "maria" not in line.actor
    assert GiftChange.objects.count() == 2


def test_every_monthly_receipt_links_to_the_request_form(monthly_gift, fake_stripe):
    mail.outbox.clear()
    monthly_gift(email="ana@example.com")
    [receipt] = mail.outbox
    assert "Manage my monthly gift" in receipt.body
    assert "http://testserver/monthly-gift/" in receipt.body and "token=" not in receipt.body
    html = receipt.alternatives[0][0]
    assert 'href="http://testserver/monthly-gift/">Manage my monthly gift</a>' in html


def test_finance_filters_the_changes_by_gift_number(changed_gift, monthly_gift, fake_stripe):
    other = monthly_gift(email="jose@example.com", amount_choice="1000")
    from donor_portal.changes import Actor, record_audit_line

    record_audit_line(other, Actor("stripe", "Stripe"), "pause", "active", "paused until later")
    finance = signed_in("fiona", "Finance")
    mine = visible_text(finance.get(f"{CHANGES}?gift={changed_gift.pk}").content.decode())
    theirs = visible_text(finance.get(f"{CHANGES}?gift={other.pk}").content.decode())
    assert "Moving abroad" in mine and "paused until later" not in mine
    assert "paused until later" in theirs and "Moving abroad" not in theirs


def test_finance_erasing_a_donor_also_erases_the_portals_copies(changed_gift):
    """donations' erase_donor blanks the gift's own email before it tells the portal, so the
    portal finds the audit lines by gift, and drops the stored sign-in tasks naming the donor."""
    from django_tasks_db.models import DBTaskResult

    from donations.erasure import erase_donor
    from donor_portal.erasure import SIGN_IN_TASK

    changed_gift.refresh_from_db()
    assert changed_gift.status == "canceled"
    GiftChange.objects.update(actor_kind=GiftChange.Actor.STRIPE, actor="Stripe")
    for address in ("Maria@Example.com", "someone.else@example.com"):
        DBTaskResult.objects.create(
            task_path=SIGN_IN_TASK,
            args_kwargs={"args": [address], "kwargs": {}},
            queue_name="email",
            backend_name="background",
            run_after=timezone.now(),
            status="SUCCESSFUL",
        )

    erase_donor("maria@example.com", by_user=None)

    assert GiftChange.objects.count() == 2
    assert not GiftChange.objects.exclude(client_address=None).exists()
    assert not GiftChange.objects.exclude(reason="").exists()
    [kept] = DBTaskResult.objects.filter(task_path=SIGN_IN_TASK)
    assert kept.args_kwargs["args"] == ["someone.else@example.com"]
