"""Yearly giving statements: one per donor and year, per currency, refunds shown.

``queue_statements`` (``manage.py send_giving_statements``) writes one
:class:`~donor_portal.models.GivingStatement` row per donor (the unique constraint refuses a
second, so a re-run queues nothing) and enqueues its id; the worker renders and sends it
(``tasks.py``). The same figures make the printable page a signed-in donor opens.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from donations.models import Donation
from donations.money import CURRENCIES, format_money
from donor_portal.models import GivingStatement, email_digest

COUNTED = (Donation.Status.PAID, Donation.Status.REFUNDED)
"""Gifts that were paid: a refunded one is listed with its refund."""


@dataclass
class CurrencyTotals:
    currency: str
    donations: list = field(default_factory=list)
    paid: int = 0
    refunded: int = 0

    @property
    def net(self) -> int:
        return self.paid - self.refunded

    def display(self, amount: int) -> str:
        return format_money(amount, self.currency)

    @property
    def paid_display(self) -> str:
        return self.display(self.paid)

    @property
    def refunded_display(self) -> str:
        return self.display(self.refunded)

    @property
    def net_display(self) -> str:
        return self.display(self.net)


def _paid_in(year: int):
    return Donation.objects.filter(status__in=COUNTED, paid_at__year=year)


def find_statement(email: str, year: int) -> list[CurrencyTotals]:
    """A donor's paid gifts of a year, grouped per currency (in our currencies' order)."""
    totals: dict[str, CurrencyTotals] = {}
    for donation in _paid_in(year).filter(donor_email__iexact=email).order_by("paid_at", "pk"):
        group = totals.setdefault(donation.currency, CurrencyTotals(donation.currency))
        group.donations.append(donation)
        group.paid += donation.amount
        group.refunded += donation.refunded_amount
    order = list(CURRENCIES)
    return sorted(
        totals.values(), key=lambda t: order.index(t.currency) if t.currency in order else 99
    )


def find_donors(year: int) -> list[str]:
    emails = _paid_in(year).annotate(address=Lower("donor_email")).values_list("address", flat=True)
    return sorted(set(emails))


def queue_statements(year: int) -> tuple[int, int]:
    """One statement row per donor of the year, each enqueued once. Returns (queued, skipped)."""
    from donor_portal.tasks import send_giving_statement

    queued = skipped = 0
    for email in find_donors(year):
        try:
            with transaction.atomic():
                statement = GivingStatement.objects.create(
                    year=year, email_digest=email_digest(email), email=email
                )
                send_giving_statement.enqueue(statement.pk)
        except IntegrityError:
            skipped += 1
        else:
            queued += 1
    return queued, skipped
