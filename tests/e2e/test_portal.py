"""Issue 12's "done when", in a real browser against `make serve`, the fake Stripe and a real SMTP
server: a monthly donor asks for a link, opens it, lowers the amount, pauses, resumes, updates the
card and cancels; the fake Stripe received each change; Finance sees the audit lines; a failed
invoice sends the recovery email once; the statement command sends one statement per donor and
nothing on a second run."""

import os
import re
import subprocess
import sys
import time
import urllib.request
from datetime import date

import pytest

from scripts.served_site import ROOT, ServedSite, free_port
from tests.e2e.test_donor import fill_gift, wait_for_status
from tests.smtp_server import LocalSmtpServer

SECRET = "whsec_e2e_portal"


@pytest.fixture(scope="module")
def smtp():
    server = LocalSmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stripe_fake():
    from tests.fake_stripe import FakeStripeServer

    port = free_port()
    server = FakeStripeServer(
        webhook_url=f"http://127.0.0.1:{port}/stripe/webhook/", webhook_secret=SECRET
    ).start()
    server.site_port = port
    yield server
    server.stop()


@pytest.fixture(scope="module")
def site(tmp_path_factory, stripe_fake, smtp):
    workdir = tmp_path_factory.mktemp("portal-site")
    served = ServedSite(
        workdir,
        {
            "SECURE_SSL_REDIRECT": "0",
            "STRIPE_API_BASE": stripe_fake.url,
            "STRIPE_SECRET_KEY": "sk_test_e2e",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_e2e",
            "STRIPE_WEBHOOK_SECRET": SECRET,
            "WEB_THREADS": "8",
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_TIMEOUT": "5",
            "PORTAL_BASE_URL": f"http://localhost:{stripe_fake.site_port}",
            "RATE_LIMIT_CACHE_DIR": str(workdir / "rate-limits"),
        },
        port=stripe_fake.site_port,
    )
    yield served
    served.stop()


def manage_py(site, *args: str) -> str:
    """A management command against the served site's own database."""
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.update(DATABASE_URL=site.database_url, SECRET_KEY="e2e-commands", ALLOWED_HOSTS="localhost")
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True, timeout=120,
    )  # fmt: skip
    return done.stdout


def mails_to(smtp, address: str, subject: str, *, count: int, timeout: float = 20) -> list:
    deadline = time.monotonic() + timeout
    found = []
    while time.monotonic() < deadline:
        found = [m for m in smtp.messages if m["To"] == address and subject in m["Subject"]]
        if len(found) >= count:
            break
        time.sleep(0.2)
    return found


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def post_fake(stripe_fake, path: str) -> None:
    request = urllib.request.Request(stripe_fake.url + path, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 200


def test_a_monthly_donor_manages_their_gift_and_finance_sees_it(site, stripe_fake, smtp, phone):
    fake = stripe_fake.fake
    # A monthly gift of US$10 (the first preset) through the donate page and the fake Checkout.
    phone.goto(site.url + "/donate/?frequency=monthly&currency=USD")
    fill_gift(phone, "Maria Santos", "maria@example.com")
    phone.get_by_role("button", name="Give US$10 a month").click()
    phone.wait_for_url("**/donate/thank-you/?session_id=cs_*")
    wait_for_status(site, "maria@example.com", "paid")
    [receipt] = mails_to(smtp, "maria@example.com", "receipt", count=1)
    assert "/monthly-gift/" in text_of(receipt) and "token=" not in text_of(receipt)
    [subscription] = list(fake.subscriptions)

    # Ask for a link; it arrives by email; its page shows a button.
    phone.goto(site.url + "/monthly-gift/")
    phone.get_by_label("Your email").fill("maria@example.com")
    phone.get_by_role("button", name="Email me a sign-in link").click()
    assert "Check your email" in phone.locator("h1").inner_text()
    [message] = mails_to(smtp, "maria@example.com", "Your link to manage", count=1)
    link = re.search(r"http://\S+/monthly-gift/sign-in/\?token=\S+", text_of(message)).group(0)
    token = link.split("token=")[1]
    phone.goto(link)
    phone.get_by_role("button", name="Continue to my monthly gift").click()
    phone.wait_for_url("**/monthly-gift/manage/")
    assert "token" not in phone.url
    assert "US$10 a month" in phone.locator("main").inner_text()

    # Lower the amount, pause, resume, update the card.
    phone.get_by_label("New monthly amount").fill("5")
    phone.get_by_role("button", name="Change my monthly amount").click()
    phone.wait_for_url("**/monthly-gift/manage/")
    assert "US$5 a month" in phone.locator("h2").first.inner_text()

    phone.get_by_label("2 months").check()
    phone.get_by_role("button", name="Pause my monthly gift").click()
    assert "Paused until" in phone.locator("[data-gift-status]").inner_text()

    phone.get_by_role("button", name="Resume my monthly gift now").click()
    assert phone.locator("[data-gift-status]").inner_text() == "Active"

    phone.get_by_role("button", name="Update my card").click()
    phone.wait_for_url("**/monthly-gift/manage/")
    [portal] = fake.calls("POST", "/v1/billing_portal/sessions")
    assert portal.params["flow_data"]["type"] == "payment_method_update"

    # A failed invoice (and Stripe's retry of it) sends one kind email.
    post_fake(stripe_fake, f"/_fake/fail/{subscription}")
    [failed_invoice] = [i for i, v in fake.invoices.items() if v["status"] == "open"]
    post_fake(stripe_fake, f"/_fake/retry/{failed_invoice}")
    assert len(mails_to(smtp, "maria@example.com", "did not go through", count=2, timeout=8)) == 1

    # Cancel: offers first, then the reason.
    phone.get_by_role("link", name="Stop my monthly gift").click()
    assert "Give a smaller amount" in phone.locator("main").inner_text()
    phone.get_by_label("Why are you stopping? (optional)").fill("Moving abroad")
    phone.get_by_role("button", name="Stop my monthly gift").click()
    assert "has stopped" in phone.locator("main").inner_text()

    updates = fake.calls("POST", f"/v1/subscriptions/{subscription}")
    assert [bool(u.params.get("items")) for u in updates] == [True, False, False]
    assert updates[0].params["items"][0]["price_data"]["unit_amount"] == "500"
    assert updates[1].params["pause_collection"]["behavior"] == "void"
    assert updates[2].params["pause_collection"] == ""
    assert len(fake.calls("DELETE", f"/v1/subscriptions/{subscription}")) == 1
    assert fake.subscriptions[subscription]["status"] == "canceled"
    assert site.query("SELECT status, amount FROM donations_recurringgift") == [("canceled", 500)]
    assert token not in site.log()

    # Finance sees the audit lines in the admin.
    manage_py(site, "shell", "-c", (
        "from django.contrib.auth.models import Group, User;"
        "u = User.objects.create_user('fiona', password='fiona-pass-12345');"
        "u.groups.add(Group.objects.get(name='Finance'))"
    ))  # fmt: skip
    phone.goto(site.url + "/admin/login/")
    phone.get_by_label("Username").fill("fiona")
    phone.get_by_label("Password").fill("fiona-pass-12345")
    phone.get_by_role("button", name="Sign in").click()
    phone.wait_for_url("**/admin/")
    phone.goto(site.url + "/admin/monthly-gift-changes/")
    listing = phone.locator("main").inner_text()
    for shown in ("Amount changed", "US$10 → US$5", "Paused", "Resumed", "Card update opened",
                  "Payment failed", "Cancelled", "Moving abroad", "maria@example.com"):  # fmt: skip
        assert shown in listing, shown

    # One statement per donor; nothing on a second run.
    year = str(date.today().year)
    assert "1 statement(s)" in manage_py(site, "send_giving_statements", "--year", year)
    statements = mails_to(smtp, "maria@example.com", "giving statement", count=1)
    assert len(statements) == 1 and "Total given: US$10" in text_of(statements[0])
    assert "0 statement(s)" in manage_py(site, "send_giving_statements", "--year", year)
    time.sleep(2)
    assert len(mails_to(smtp, "maria@example.com", "giving statement", count=2, timeout=1)) == 1
