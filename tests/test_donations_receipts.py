"""Receipts and notes to donors: sent once, from the background task, with the details."""

import socket

import pytest
from django.core import mail

from donations import receipts
from donations.models import Donation
from donations.tasks import send_failed_payment_note, send_receipt

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(seeded_site):
    return Donation.objects.create(
        amount=103500, fee_amount=3500, currency="PHP", frequency="once", status="paid",
        donor_name="Ana Reyes", donor_email="ana@example.com", dedication_type="honour",
        dedication_name="Lola Rosa",
    )  # fmt: skip


def test_a_receipt_is_sent_once_whatever_runs_the_task_again(paid):
    assert send_receipt.enqueue(paid.pk).return_value is True
    assert send_receipt.enqueue(paid.pk).return_value is False
    [receipt] = mail.outbox
    assert receipt.subject == f"Your receipt {paid.receipt_number}: thank you"
    for expected in ("₱1,035 (PHP)", "One-time", "In honour of Lola Rosa", "₱35 you added",
                     paid.receipt_number, "IJM Philippines", "Pasig City"):  # fmt: skip
        assert expected in receipt.body
    html = receipt.alternatives[0][0]
    assert paid.receipt_number in html and "₱1,035" in html


def test_no_receipt_for_a_gift_that_is_not_paid(paid):
    paid.status = "pending"
    paid.save()
    assert receipts.send_receipt(paid.pk) is False
    assert receipts.send_failed_payment_note(paid.pk) is False
    assert not mail.outbox


def test_a_receipt_that_could_not_be_sent_can_be_sent_later(paid, settings):
    with socket.socket() as sock:  # a port where no mail server listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    with pytest.raises(OSError):
        receipts.send_receipt(paid.pk)
    paid.refresh_from_db()
    assert paid.receipt_sent_at is None

    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert receipts.send_receipt(paid.pk) is True
    assert len(mail.outbox) == 1


def test_a_receipt_sent_again_carries_the_same_message_id_and_each_kind_its_own(paid):
    """Only a worker killed between the server's acceptance and our record sends twice; the two
    copies must be recognisably one message."""
    first = receipts.receipt_message(paid).message()["Message-ID"]
    again = receipts.receipt_message(Donation.objects.get(pk=paid.pk)).message()["Message-ID"]
    note = receipts.failed_payment_message(paid).message()["Message-ID"]
    other = Donation.objects.create(
        amount=50000, currency="PHP", frequency="once", status="paid",
        donor_name="Ben", donor_email="ben@example.com",
    )  # fmt: skip
    assert first == again
    assert first.startswith("<receipt.") and first.endswith("@ijm.org.ph>")
    assert f".{paid.pk}@" not in first  # the id does not count our gifts
    assert len({first, note, receipts.receipt_message(other).message()["Message-ID"]}) == 3


def test_the_failed_payment_note(paid):
    paid.status = "failed"
    paid.frequency = "monthly"
    paid.save()
    assert send_failed_payment_note.enqueue(paid.pk).return_value is True
    [note] = mail.outbox
    assert "did not go through" in note.body and "₱1,035" in note.body
