"""Finance staff see and export gifts in the admin; editors and moderators never see donor data."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from donations.models import Donation, RecurringGift
from tests.conftest import visible_text

pytestmark = pytest.mark.django_db

LISTING = "/admin/donations/"


def _user(django_user_model, group: str | None, **extra):
    user = django_user_model.objects.create_user(
        username=f"user-{group or 'admin'}", password="x-secret-password-1", **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def gifts(db):
    now = timezone.now()
    gift = RecurringGift.objects.create(
        stripe_subscription_id="sub_1", amount=2500, currency="USD", donor_name="Ben Cruz",
        donor_email="ben@example.com",
    )  # fmt: skip
    return [
        Donation.objects.create(
            amount=150000, currency="PHP", frequency="once", status="paid", paid_at=now,
            donor_name="Ana Reyes", donor_email="ana@example.com",
            stripe_checkout_session_id="cs_test_ana", stripe_payment_intent_id="pi_test_ana",
        ),
        Donation.objects.create(
            amount=2500, currency="USD", frequency="monthly", status="paid", paid_at=now,
            donor_name="Ben Cruz", donor_email="ben@example.com", recurring_gift=gift,
            stripe_invoice_id="in_test_ben",
        ),
        Donation.objects.create(
            amount=50000, currency="PHP", frequency="once", status="pending",
            donor_name="=HYPERLINK(\"http://evil\")", donor_email="carl@example.com",
        ),
        Donation.objects.create(
            amount=99900, currency="PHP", frequency="once", status="paid",
            paid_at=now - timedelta(days=45), donor_name="Old Gift", donor_email="old@example.com",
        ),
    ]  # fmt: skip


@pytest.fixture
def finance(client, django_user_model):
    client.force_login(_user(django_user_model, "Finance"))
    return client


def _csv_rows(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_finance_sees_the_donations_menu_and_the_listing(finance, gifts):
    home = finance.get("/admin/").content.decode()
    assert LISTING in home
    assert "Gifts received" in home  # the home panel

    response = finance.get(LISTING)
    text = visible_text(response.content.decode())
    assert response.status_code == 200
    for expected in ("Ana Reyes", "₱1,500", "Ben Cruz", "$25", "Monthly", "Paid", "Pending"):
        assert expected in text


def test_finance_filters_and_searches(finance, gifts):
    text = visible_text(finance.get(LISTING, {"status": "pending"}).content.decode())
    assert "carl@example.com" in text and "ana@example.com" not in text
    text = visible_text(finance.get(LISTING, {"currency": "USD"}).content.decode())
    assert "ben@example.com" in text and "ana@example.com" not in text
    text = visible_text(finance.get(LISTING, {"frequency": "monthly"}).content.decode())
    assert "ben@example.com" in text and "ana@example.com" not in text
    since = (timezone.localdate() - timedelta(days=10)).isoformat()
    text = visible_text(finance.get(LISTING, {"created_at__date__gte": since}).content.decode())
    assert "ana@example.com" in text
    for query in ("ana@example", "Reyes", "pi_test_ana", "cs_test_ana", "in_test_ben"):
        found = visible_text(finance.get(LISTING, {"q": query}).content.decode())
        assert ("ana@example.com" in found) == (query not in ("in_test_ben",)), query


def test_the_csv_export_lists_each_gift_once_with_its_amount_and_donor(finance, gifts):
    response = finance.get(LISTING, {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv_rows(response)
    assert len(rows) == 4
    ana = next(r for r in rows if r["Donor email"] == "ana@example.com")
    assert ana["Amount (minor units)"] == "150000"
    assert ana["Amount"] == "₱1,500"
    assert ana["Currency"] == "PHP"
    assert ana["Status"] == "paid"
    assert ana["Frequency"] == "once"
    assert ana["Receipt number"].startswith("IJM-")
    assert ana["Stripe payment intent id"] == "pi_test_ana"
    carl = next(r for r in rows if r["Donor email"] == "carl@example.com")
    assert carl["Donor name"].startswith("'=")  # not run as a formula by a spreadsheet


def test_the_xlsx_export_works(finance, gifts):
    from openpyxl import load_workbook

    response = finance.get(LISTING, {"export": "xlsx"})
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.active.max_row == 5  # heading + 4 gifts


def test_finance_can_inspect_a_gift_but_not_add_edit_or_delete(finance, gifts):
    gift = gifts[0]
    inspect = finance.get(f"{LISTING}inspect/{gift.pk}/")
    assert inspect.status_code == 200
    assert "pi_test_ana" in inspect.content.decode()
    for url in (f"{LISTING}new/", f"{LISTING}edit/{gift.pk}/", f"{LISTING}delete/{gift.pk}/"):
        response = finance.get(url)
        assert response.status_code in (302, 403), url
        assert "ana@example.com" not in response.content.decode()
    finance.post(f"{LISTING}delete/{gift.pk}/")
    assert Donation.objects.filter(pk=gift.pk).exists()


def test_even_a_superuser_cannot_edit_payment_facts(client, django_user_model, gifts):
    client.force_login(_user(django_user_model, None, is_superuser=True))
    assert client.get(LISTING).status_code == 200
    response = client.post(f"{LISTING}edit/{gifts[0].pk}/", {"amount": 1, "status": "paid"})
    assert response.status_code in (302, 403)
    gifts[0].refresh_from_db()
    assert gifts[0].amount == 150000


def test_finance_sees_monthly_gifts(finance, gifts):
    response = finance.get("/admin/monthly-gifts/")
    text = visible_text(response.content.decode())
    assert response.status_code == 200
    assert "Ben Cruz" in text and "$25" in text
    rows = _csv_rows(finance.get("/admin/monthly-gifts/", {"export": "csv"}))
    assert [r["Stripe subscription id"] for r in rows] == ["sub_1"]


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_editors_and_moderators_never_see_donor_data(client, django_user_model, gifts, group):
    client.force_login(_user(django_user_model, group))
    home = client.get("/admin/")
    assert home.status_code == 200
    html = home.content.decode()
    assert LISTING not in html and "/admin/monthly-gifts/" not in html
    assert "Gifts received" not in html
    for url in (
        LISTING,
        f"{LISTING}?export=csv",
        f"{LISTING}inspect/{gifts[0].pk}/",
        "/admin/monthly-gifts/",
        "/admin/monthly-gifts/?export=csv",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"ana@example.com" not in body and b"ben@example.com" not in body


def test_the_home_panel_totals_each_currency(gifts):
    from donations.admin_views import gift_totals

    gifts[0].refunded_amount = 50000
    gifts[0].save()
    totals = gift_totals()
    php = next(r for r in totals["rows"] if r["currency"] == "PHP")
    usd = next(r for r in totals["rows"] if r["currency"] == "USD")
    assert php["last_30"] == "₱1,000"  # ₱1,500 less a ₱500 refund; the pending and old excluded
    assert php["last_30_count"] == 1
    assert usd["last_30"] == "US$25"
    assert usd["active_monthly"] == 1 and usd["active_monthly_amount"] == "US$25"
    assert totals["active_monthly"] == 1


def test_the_monthly_gifts_export_shows_a_formula_like_name_as_text(finance, gifts):
    RecurringGift.objects.create(
        stripe_subscription_id="sub_2", amount=1000, currency="USD",
        donor_name='=HYPERLINK("http://evil.example","x")', donor_email="eve@example.com",
    )  # fmt: skip
    rows = _csv_rows(finance.get("/admin/monthly-gifts/", {"export": "csv"}))
    eve = next(r for r in rows if r["Donor email"] == "eve@example.com")
    assert eve["Donor name"].startswith("'=")


def test_finance_finds_the_gifts_that_need_attention(finance, gifts, fake_stripe, post_event):
    """A paid amount that differs from the donor's choice reaches Finance, not only a log line."""
    from tests import fake_stripe as stripe_shapes

    ana = gifts[0]
    session = {
        "id": "cs_test_ana", "object": "checkout.session", "status": "complete",
        "payment_status": "paid", "mode": "payment", "amount_total": 150100, "currency": "php",
        "payment_intent": "pi_test_ana", "customer": None,
    }  # fmt: skip
    Donation.objects.filter(pk=ana.pk).update(status="pending")
    assert post_event(stripe_shapes.event("checkout.session.completed", session)).status_code == 200

    flagged = visible_text(finance.get(LISTING, {"needs_attention": "true"}).content.decode())
    assert "ana@example.com" in flagged and "ben@example.com" not in flagged
    assert "Needs attention" in flagged
    home = visible_text(finance.get("/admin/").content.decode())
    assert "1 gift needs attention" in home
    inspect = visible_text(finance.get(f"{LISTING}inspect/{ana.pk}/").content.decode())
    assert "₱1,501" in inspect and "₱1,500" in inspect


def test_the_dashboard_says_when_nothing_needs_attention(finance, gifts):
    assert "No gift needs attention." in visible_text(finance.get("/admin/").content.decode())


def test_the_listing_and_its_export_cost_the_same_queries_for_four_gifts_or_forty(finance, gifts):
    """Nothing a row shows (donor, amount, status, the monthly gift's id) reads another table."""

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert finance.get(url).status_code == 200
        return len(captured)

    few = queries(LISTING), queries(f"{LISTING}?export=csv")
    monthly = gifts[1].recurring_gift
    for n in range(36):
        Donation.objects.create(
            amount=2500, currency="USD", frequency="monthly", status="paid",
            donor_name=f"Donor {n}", donor_email=f"donor{n}@example.com", recurring_gift=monthly,
        )  # fmt: skip
    assert (queries(LISTING), queries(f"{LISTING}?export=csv")) == few
