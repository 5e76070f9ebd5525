"""The donor's path in a real browser: from the home page to Stripe in three clicks, on a phone."""

import re

import pytest

from tests.e2e.conftest import axe_violations

# Each donor here comes from their own address (through the trusted local proxy's header), so
# the checkout rate limit (5 in 10 minutes per address) counts them apart from other tests.
_addresses = iter(f"203.0.113.{n}" for n in range(1, 255))


@pytest.fixture
def small_phone(browser):
    """The smallest common phone screen, 360 x 640, with touch."""
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        is_mobile=True,
        extra_http_headers={"X-Forwarded-For": next(_addresses)},
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert errors == [], f"the browser console reported errors: {errors}"


def test_home_to_stripe_in_three_clicks_from_a_storys_ask(
    served_site, fake_stripe_server, small_phone
):
    page = small_phone
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))
    page.goto(served_site.url + "/")

    page.locator(".featured-story a").first.click()  # 1: the story
    page.wait_for_url("**/stories/**")
    ask = page.locator(".donate-ask")
    default = ask.locator("a[data-default]")
    assert default.inner_text() == "Give ₱1,000"
    default.click()  # 2: the ask's default amount
    page.wait_for_url("**/donate/?*")
    assert page.locator("input[name='amount_choice']:checked").get_attribute("value") == "100000"

    page.get_by_label("Your name").fill("Rosa Dela Cruz")
    page.get_by_label("Your email").fill("rosa@example.com")
    page.get_by_role("button", name="Give ₱1,000").click()  # 3: to Stripe
    page.wait_for_url("**/donate/thank-you/?session_id=cs_*")

    assert any(re.search(r"/checkout/cs_\w+$", url) for url in visited), visited
    assert "Thank you, Rosa Dela Cruz!" in page.locator("h1").inner_text()
    main = page.locator("main").inner_text()
    assert "Your gift of ₱1,000 is on its way" in main and "Your reference: IJM-" in main


def _within_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    viewport = page.viewport_size
    return (
        box is not None
        and box["x"] >= 0
        and box["y"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and box["y"] + box["height"] <= viewport["height"]
    )


def test_the_choices_and_first_amounts_fit_a_360_by_640_screen(served_site, small_phone, tmp_path):
    page = small_phone
    page.goto(served_site.url + "/donate/")
    page.screenshot(path=str(tmp_path / "donate-360x640.png"))  # what the checks below measure
    must_show = [
        page.locator("label[for='id_frequency_0']"),
        page.locator("label[for='id_frequency_1']"),
        page.locator("label[for='id_currency_0']"),
        page.locator("label[for='id_currency_1']"),
        *page.locator(".amount-group:not([hidden]) label").all()[:2],
    ]
    outside = [item.inner_text() for item in must_show if not _within_viewport(page, item)]
    assert outside == [], f"below the fold on 360 x 640: {outside}"


def test_the_button_names_the_gift_as_the_donor_chooses(served_site, small_phone):
    page = small_phone
    page.goto(served_site.url + "/donate/")
    button = page.locator("button[data-submit]")
    assert button.inner_text() == "Give ₱1,000"
    page.locator("label[for='id_frequency_1']").click()
    assert button.inner_text() == "Give ₱500 a month"
    page.locator("label[for='id_currency_1']").click()
    assert button.inner_text() == "Give US$25 a month"
    page.get_by_label("Or your own amount").fill("1234.5")
    assert button.inner_text() == "Give US$1,234.50 a month"
    assert page.locator("input[name='amount_choice']:checked").count() == 0
    page.locator(".amount-group:not([hidden]) label").first.click()
    assert button.inner_text() == "Give US$10 a month"
    assert page.get_by_label("Or your own amount").input_value() == ""


def test_without_javascript_a_donor_still_gives_the_default_amount(served_site, browser):
    context = browser.new_context(
        viewport={"width": 360, "height": 640},
        is_mobile=True,
        java_script_enabled=False,
        extra_http_headers={"X-Forwarded-For": next(_addresses)},
    )
    page = context.new_page()
    try:
        page.goto(served_site.url + "/donate/?frequency=monthly")
        assert page.locator("button[data-submit]").inner_text() == "Give"
        page.get_by_label("Your name").fill("Lito Reyes")
        page.get_by_label("Your email").fill("lito@example.com")
        page.locator("button[data-submit]").click()
        page.wait_for_url("**/donate/thank-you/?session_id=cs_*")
        assert "Your monthly gift of ₱500 a month" in page.locator("main").inner_text()
    finally:
        context.close()


def test_axe_finds_no_violations_on_a_story_with_its_ask(served_site, axe_page):
    axe_page.goto(served_site.url + "/")
    axe_page.locator(".featured-story a").first.click()
    axe_page.wait_for_selector(".donate-ask")
    assert axe_violations(axe_page) == []
