"""A signed-in monthly donor changes the amount, pauses, resumes, updates the card and cancels:
each through Stripe first, recorded from Stripe's answer, kept as an audit line, and only ever
on the donor's own gift."""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from donations.models import RecurringGift
from donor_portal.models import GiftChange, GiftSchedule
from tests import fake_stripe as stripe_shapes
from tests.conftest import visible_text
from tests.portal_steps import MANAGE, deliver_events, sign_in

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.portal_fixtures"]


@pytest.fixture
def donor(client, monthly_gift, fake_stripe):
    gift = monthly_gift(email="maria@example.com")
    sign_in(client, "maria@example.com")
    fake_stripe.requests.clear()
    return gift


def _updates(fake, gift):
    return fake.calls("POST", f"/v1/subscriptions/{gift.stripe_subscription_id}")


def test_lowering_the_amount_goes_to_stripe_then_our_records(
    client, donor, fake_stripe, post_event
):
    response = client.post(f"{MANAGE}{donor.pk}/amount/", {"amount": "10"})
    assert response.status_code == 303
    [update] = _updates(fake_stripe, donor)
    item = update.params["items"][0]
    assert item["price_data"]["unit_amount"] == "1000" and item["price_data"]["currency"] == "usd"
    assert update.params["proration_behavior"] == "none"
    donor.refresh_from_db()
    assert donor.amount == 1000
    page = visible_text(client.get(MANAGE).content.decode())
    assert "US$10 a month" in page and "is now US$10 from the next payment" in page
    [line] = GiftChange.objects.filter(gift=donor)
    assert (line.actor, line.action, line.before, line.after) == (
        "maria@example.com",
        "amount",
        "US$25",
        "US$10",
    )
    assert line.client_address == "127.0.0.1"
    # Stripe's webhook for the same change brings nothing new: no second line.
    assert set(deliver_events(fake_stripe, post_event)) == {200}
    assert GiftChange.objects.filter(gift=donor).count() == 1


def test_an_amount_outside_the_page_limits_is_refused_and_kept(client, donor, fake_stripe):
    response = client.post(f"{MANAGE}{donor.pk}/amount/", {"amount": "2"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The smallest monthly gift is US$5." in visible_text(html)
    assert 'value="2"' in html
    response = client.post(f"{MANAGE}{donor.pk}/amount/", {"amount": "lots"})
    assert "Enter the amount as a number" in visible_text(response.content.decode())
    assert _updates(fake_stripe, donor) == []
    donor.refresh_from_db()
    assert donor.amount == 2500


def test_pausing_and_resuming_use_pause_collection(client, donor, fake_stripe, post_event):
    response = client.post(f"{MANAGE}{donor.pk}/pause/", {"months": "2"})
    assert response.status_code == 303
    [update] = _updates(fake_stripe, donor)
    pause = update.params["pause_collection"]
    resumes = datetime.fromtimestamp(int(pause["resumes_at"]), tz=UTC)
    assert pause["behavior"] == "void"
    assert timedelta(days=58) < resumes - timezone.now() < timedelta(days=63)
    donor.refresh_from_db()
    assert donor.status == "active"  # Stripe keeps a paused subscription active
    schedule = GiftSchedule.objects.get(gift=donor)
    assert schedule.is_paused and abs(schedule.paused_until - resumes) < timedelta(seconds=1)
    assert "Paused until" in visible_text(client.get(MANAGE).content.decode())
    deliver_events(fake_stripe, post_event)

    assert client.post(f"{MANAGE}{donor.pk}/resume/").status_code == 303
    assert _updates(fake_stripe, donor)[-1].params["pause_collection"] == ""
    schedule.refresh_from_db()
    assert not schedule.is_paused
    deliver_events(fake_stripe, post_event)
    assert list(GiftChange.objects.filter(gift=donor).values_list("action", flat=True)) == [
        "resume",
        "pause",
    ]


@pytest.mark.parametrize("months", ["0", "4", "", "x"])
def test_a_pause_is_one_to_three_months(client, donor, fake_stripe, months):
    response = client.post(f"{MANAGE}{donor.pk}/pause/", {"months": months})
    assert response.status_code == 400
    assert "Choose" in visible_text(response.content.decode())
    assert _updates(fake_stripe, donor) == []


def test_an_older_event_never_undoes_a_newer_answer(client, donor, fake_stripe, post_event):
    client.post(f"{MANAGE}{donor.pk}/pause/", {"months": "1"})
    fake_stripe.take_events()
    stale = stripe_shapes.event(
        "customer.subscription.updated",
        fake_stripe.subscription(donor.stripe_subscription_id) | {"pause_collection": None},
        created=int(timezone.now().timestamp()) - 120,
    )
    assert post_event(stale).status_code == 200
    assert GiftSchedule.objects.get(gift=donor).is_paused


def test_cancelling_offers_a_lower_amount_or_a_pause_first(client, donor, fake_stripe, post_event):
    offers = client.get(f"{MANAGE}{donor.pk}/cancel/")
    text = visible_text(offers.content.decode())
    assert "Give a smaller amount" in text and "Take a break instead" in text
    assert fake_stripe.requests == []

    response = client.post(f"{MANAGE}{donor.pk}/cancel/", {"reason": "Money is tight"})
    assert response.status_code == 303
    [cancel] = fake_stripe.calls("DELETE", f"/v1/subscriptions/{donor.stripe_subscription_id}")
    assert cancel.params["cancellation_details"]["comment"] == "Money is tight"
    donor.refresh_from_db()
    assert donor.status == "canceled"
    [line] = GiftChange.objects.filter(gift=donor)
    assert (line.action, line.reason, line.after) == ("cancel", "Money is tight", "Cancelled")
    deliver_events(fake_stripe, post_event)
    assert GiftChange.objects.filter(gift=donor).count() == 1
    assert "no active monthly gift" in visible_text(client.get(MANAGE).content.decode())
    assert client.post(f"{MANAGE}{donor.pk}/resume/").status_code == 404


def test_nothing_changes_in_our_records_until_stripe_confirms(client, donor, fake_stripe):
    fake_stripe.fail_next(2, status=500)  # the client tries twice
    response = client.post(f"{MANAGE}{donor.pk}/cancel/", {"reason": ""})
    assert response.status_code == 503
    assert "nothing has changed" in visible_text(response.content.decode())
    donor.refresh_from_db()
    assert donor.status == "active" and not GiftChange.objects.exists()

    fake_stripe.fail_next(2, status=500)
    response = client.post(f"{MANAGE}{donor.pk}/amount/", {"amount": "10"})
    assert response.status_code == 503
    donor.refresh_from_db()
    assert donor.amount == 2500 and not GiftChange.objects.exists()


def test_the_card_is_updated_in_stripes_portal_on_its_card_flow_only(client, donor, fake_stripe):
    response = client.post(f"{MANAGE}{donor.pk}/card/")
    assert response.status_code == 303
    [session] = fake_stripe.calls("POST", "/v1/billing_portal/sessions")
    assert session.params["customer"] == donor.stripe_customer_id
    assert session.params["flow_data"]["type"] == "payment_method_update"
    assert session.params["return_url"] == "http://testserver/monthly-gift/manage/"
    assert response["Location"].startswith(fake_stripe.base_url + "/billing_portal/bps_")
    assert GiftChange.objects.get(gift=donor).action == "card"
    policy = client.get(MANAGE)["Content-Security-Policy"]
    assert "https://billing.stripe.com" in policy


@pytest.mark.parametrize(
    "action,data",
    [("amount", {"amount": "10"}), ("pause", {"months": "1"}), ("resume", {}),
     ("cancel", {"reason": "x"}), ("card", {})],
)  # fmt: skip
def test_another_donors_gift_is_out_of_reach_by_changing_its_id(
    client, monthly_gift, donor, fake_stripe, action, data
):
    theirs = monthly_gift(email="jose@example.com", amount_choice="1000")
    fake_stripe.requests.clear()
    for gift_id in (theirs.pk, 999_999):
        assert client.post(f"{MANAGE}{gift_id}/{action}/", data).status_code == 404
    assert client.get(f"{MANAGE}{theirs.pk}/cancel/").status_code == 404
    assert fake_stripe.requests == []
    theirs.refresh_from_db()
    assert (theirs.amount, theirs.status) == (1000, "active")
    assert not GiftChange.objects.exists()


def test_without_signing_in_nothing_is_reachable(monthly_gift, fake_stripe):
    gift = monthly_gift(email="maria@example.com")
    stranger = Client()
    assert stranger.get(MANAGE)["Location"] == "/monthly-gift/"
    assert stranger.post(f"{MANAGE}{gift.pk}/cancel/", {"reason": ""}).status_code == 303
    gift.refresh_from_db()
    assert gift.status == "active"


def test_a_change_made_in_stripes_dashboard_is_recorded_from_the_webhook(
    donor, fake_stripe, post_event
):
    held = fake_stripe.subscription(donor.stripe_subscription_id)["items"]["data"][0]
    fake_stripe.update_subscription(
        donor.stripe_subscription_id,
        {"items": [{"id": held["id"], "price_data": {"product": held["price"]["product"],
                                                      "unit_amount": "5000"}}]},
    )  # fmt: skip
    assert set(deliver_events(fake_stripe, post_event)) == {200}
    donor.refresh_from_db()
    assert donor.amount == 5000
    [line] = GiftChange.objects.filter(gift=donor)
    assert (line.actor_kind, line.before, line.after) == ("stripe", "US$25", "US$50")
    assert line.client_address is None


def test_the_manage_page_shows_the_next_payment_and_past_payments(
    client, donor, fake_stripe, post_event
):
    fake_stripe.renew(donor.stripe_subscription_id)
    fake_stripe.set_subscription_status(donor.stripe_subscription_id, "active")
    deliver_events(fake_stripe, post_event)
    text = visible_text(client.get(MANAGE).content.decode())
    assert "Next payment" in text and "Past payments" in text
    assert text.count("US$25 Paid") == 2
    assert RecurringGift.objects.get().status == "active"


def test_a_new_gift_shows_its_next_payment_a_month_after_the_first(client, donor):
    from donor_portal.changes import add_months

    first = donor.donations.get().paid_at
    expected = f"{timezone.localtime(add_months(first, 1)):%-d %B %Y}"
    assert f"Next payment {expected}" in visible_text(client.get(MANAGE).content.decode())


def test_cancelling_without_a_reason_is_fine(client, donor, fake_stripe):
    assert client.post(f"{MANAGE}{donor.pk}/cancel/").status_code == 303
    donor.refresh_from_db()
    assert donor.status == "canceled"
    assert GiftChange.objects.get(gift=donor).reason == ""


@pytest.mark.parametrize(
    "odd",
    [{"pause_collection": "soon"}, {"pause_collection": {"resumes_at": "tomorrow"}},
     {"items": "many"}, {"items": {"data": [{"price": {"unit_amount": "lots"}}]}}],
)  # fmt: skip
def test_an_odd_subscription_shape_changes_nothing_it_cannot_read(
    donor, fake_stripe, post_event, odd
):
    obj = fake_stripe.subscription(donor.stripe_subscription_id) | odd
    response = post_event(stripe_shapes.event("customer.subscription.updated", obj))
    assert response.status_code in (200, 400)
    donor.refresh_from_db()
    assert donor.amount == 2500 and donor.status == "active"
