"""A visitor switches language in a real browser, and a donor keeps the gift they picked."""

import os
import subprocess
import sys

import pytest

from scripts.served_site import ROOT, ServedSite

BUILD_FILIPINO_TREE = (
    "from pages.models import HomePage; from tests.language_tree import build_filipino_tree; "
    "build_filipino_tree(HomePage.objects.get(locale__language_code='en'))"
)


@pytest.fixture(scope="module")
def two_language_site(tmp_path_factory):
    """`make serve` whose site also has every page in Filipino (built the editor's way)."""
    workdir = tmp_path_factory.mktemp("two-language-site")
    stripe = {"STRIPE_SECRET_KEY": "sk_test_e2e", "STRIPE_PUBLISHABLE_KEY": "pk_test_e2e"}
    site = ServedSite(workdir, {"SECURE_SSL_REDIRECT": "0", **stripe})
    try:
        env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
        env.update(
            DATABASE_URL=site.database_url,
            MEDIA_ROOT=str(workdir / "media"),
            SECRET_KEY="e2e-only",
            ALLOWED_HOSTS="localhost",
            **stripe,
        )
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", BUILD_FILIPINO_TREE],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        yield site
    finally:
        site.stop()


def _switch_to(page, language_name: str) -> None:
    page.locator(".language-switcher").get_by_role("link", name=language_name).click()
    page.wait_for_load_state()


def _choose(page, name: str, value: str) -> None:
    field = page.locator(f"input[name='{name}'][value='{value}']:not([disabled])")
    page.click(f"label[for='{field.get_attribute('id')}']")


def test_a_visitor_switches_a_page_to_filipino_and_back(two_language_site, phone):
    phone.goto(two_language_site.url + "/about/")
    assert phone.locator("html").get_attribute("lang") == "en"
    _switch_to(phone, "Filipino")
    assert phone.url == two_language_site.url + "/fil/about/"
    assert phone.locator("html").get_attribute("lang") == "fil"
    current = phone.locator(".language-switcher [aria-current='true']")
    assert current.inner_text() == "Filipino"
    _switch_to(phone, "English")
    assert phone.url == two_language_site.url + "/about/"
    assert phone.locator("html").get_attribute("lang") == "en"


def test_the_donate_page_keeps_the_gift_chosen_on_the_page_in_the_other_language(
    two_language_site, phone
):
    phone.goto(two_language_site.url + "/donate/")
    _choose(phone, "frequency", "monthly")
    _choose(phone, "currency", "USD")
    _choose(phone, "amount_choice", "5000")  # not the default (US$25 a month)
    _switch_to(phone, "Filipino")
    assert phone.url.startswith(two_language_site.url + "/fil/donate/?")
    assert phone.locator("html").get_attribute("lang") == "fil"
    assert phone.locator("input[name='currency'][value='USD']").is_checked()
    assert phone.locator("input[name='frequency'][value='monthly']").is_checked()
    assert phone.locator("input[name='amount_choice'][value='5000']:not([disabled])").is_checked()
