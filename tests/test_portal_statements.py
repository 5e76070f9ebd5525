"""Yearly giving statements: one per donor, per currency, refunds shown, safe to re-run; and
the printable page a monthly donor opens from the manage page."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from donations.models import Donation
from donor_portal.models import GivingStatement
from tests.conftest import visible_text
from tests.portal_steps import MANAGE, sign_in

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.portal_fixtures"]


def _one_time(email, amount, currency, *, refunded=0, year=None):
    paid_at = timezone.now().replace(year=year) if year else timezone.now()
    return Donation.objects.create(
        amount=amount, currency=currency, frequency="once", donor_name="Maria",
        donor_email=email, status="refunded" if refunded >= amount else "paid",
        refunded_amount=refunded, paid_at=paid_at,
    )  # fmt: skip


def _run(year) -> str:
    from io import StringIO

    out = StringIO()
    call_command("send_giving_statements", "--year", str(year), stdout=out)
    return out.getvalue()


def test_each_donor_gets_one_statement_per_year_and_a_rerun_sends_nothing(
    monthly_gift, fake_stripe, post_event
):
    year = timezone.localdate().year
    monthly_gift(email="maria@example.com")  # US$25 a month, paid now
    _one_time("MARIA@example.com", 100_000, "PHP")
    _one_time("maria@example.com", 50_000, "PHP", refunded=50_000)
    _one_time("jose@example.com", 2_000, "USD", refunded=500)
    _one_time("old@example.com", 9_900, "USD", year=year - 1)
    mail.outbox.clear()

    assert "2 statement(s)" in _run(year)
    statements = {m.to[0]: m for m in mail.outbox}
    assert set(statements) == {"maria@example.com", "jose@example.com"}
    maria = statements["maria@example.com"].body
    assert "Gifts in PHP" in maria and "Gifts in USD" in maria
    assert "Paid: ₱1,500" in maria and "Refunded: ₱500" in maria and "Total given: ₱1,000" in maria
    assert "Total given: US$25" in maria and "Monthly" in maria and "One-time" in maria
    assert "Thank you for giving to IJM Philippines in" in maria
    assert "refunded US$5" in statements["jose@example.com"].body
    assert "Total given: US$15" in statements["jose@example.com"].body
    assert not GivingStatement.objects.exclude(email="").exists()  # addresses forgotten once sent

    mail.outbox.clear()
    assert "0 statement(s)" in _run(year) and "2 donor(s) already had one" in _run(year)
    assert mail.outbox == []


def test_a_year_in_the_future_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--year must be between"):
        _run(timezone.localdate().year + 1)


def test_a_monthly_donor_prints_their_own_statement(client, monthly_gift, fake_stripe):
    year = timezone.localdate().year
    monthly_gift(email="maria@example.com")
    _one_time("jose@example.com", 2_000, "USD")
    sign_in(client, "maria@example.com")
    assert f"/manage/statement/{year}/" in client.get(MANAGE).content.decode()
    text = visible_text(client.get(f"{MANAGE}statement/{year}/").content.decode())
    assert f"Giving statement {year}" in text and "Total given US$25" in text
    assert "US$20" not in text
    assert client.get(f"{MANAGE}statement/{year + 1}/").status_code == 404
