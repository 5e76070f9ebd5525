"""Donors on a phone: a gift through Stripe Checkout (the fake), by touch and by keyboard alone."""

import time

import pytest

from tests.e2e.conftest import axe_violations


def gift_statuses(served_site) -> dict[str, str]:
    """What the site recorded, read from the served site's own database."""
    return dict(served_site.query("SELECT donor_email, status FROM donations_donation"))


def wait_for_status(served_site, email: str, status: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while gift_statuses(served_site).get(email) != status and time.monotonic() < deadline:
        time.sleep(0.2)
    assert gift_statuses(served_site).get(email) == status


def fill_gift(page, name: str, email: str) -> None:
    page.locator(".amount-group:not([hidden]) label").first.click()
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your email").fill(email)


def test_a_donor_completes_a_gift_through_stripe_checkout(served_site, fake_stripe_server, phone):
    phone.goto(served_site.url + "/")
    phone.get_by_role("link", name="Donate").first.click()
    phone.wait_for_url("**/donate/")

    fill_gift(phone, "Maria Santos", "maria@example.com")
    phone.get_by_role("button", name="Give ₱500").click()  # the first preset

    phone.wait_for_url("**/donate/thank-you/?session_id=cs_*")
    assert "Thank you, Maria Santos!" in phone.locator("h1").inner_text()
    assert "is on its way" in phone.locator("main").inner_text()
    assert ("checkout.session.completed", 200) in fake_stripe_server.fake.delivered
    wait_for_status(served_site, "maria@example.com", "paid")

    log = served_site.log()
    assert "ijm.payments event=evt_" in log and "type=checkout.session.completed" in log
    assert "request_id=" in log
    assert "maria@example.com" not in log and "Maria Santos" not in log


def tab_until(page, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"the keyboard never reached {selector}")


def test_a_donor_gives_with_the_keyboard_alone_and_hears_the_errors(served_site, phone):
    phone.goto(served_site.url + "/")
    tab_until(phone, "a[href$='/donate/']")
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/donate/")

    tab_until(phone, "button[data-submit]")  # straight to the button: nothing filled in
    phone.keyboard.press("Enter")
    phone.wait_for_load_state()
    summary = phone.locator("#error-summary")
    assert summary.get_attribute("role") == "alert"
    assert phone.evaluate("document.activeElement.id") == "error-summary"
    assert "below" in summary.inner_text()

    tab_until(phone, "input[name='amount_choice']:not([disabled])")
    phone.keyboard.press("Space")
    tab_until(phone, "input[name='name']")
    phone.keyboard.type("Ana Reyes")
    tab_until(phone, "input[name='email']")
    phone.keyboard.type("ana@example.com")
    tab_until(phone, "button[data-submit]")
    phone.keyboard.press("Enter")

    phone.wait_for_url("**/donate/thank-you/?session_id=cs_*")
    assert "Thank you, Ana Reyes!" in phone.locator("h1").inner_text()
    wait_for_status(served_site, "ana@example.com", "paid")


@pytest.mark.parametrize("with_errors", [False, True], ids=["form", "form-with-errors"])
def test_axe_finds_no_violations_on_the_donate_page(served_site, axe_page, with_errors):
    axe_page.goto(served_site.url + "/donate/")
    if with_errors:
        axe_page.locator("button[data-submit]").click()
        axe_page.wait_for_selector("#error-summary")
    assert axe_violations(axe_page) == []


def test_axe_finds_no_violations_on_the_thank_you_page(served_site, axe_page):
    axe_page.goto(served_site.url + "/donate/")
    fill_gift(axe_page, "Jo Cruz", "jo@example.com")
    axe_page.locator("button[data-submit]").click()
    axe_page.wait_for_url("**/donate/thank-you/?session_id=cs_*")
    assert axe_violations(axe_page) == []
