"""The real thing: `make serve` (gunicorn, DEBUG off, collected static files) driven by Debian's
Chromium through Playwright. No browser is ever downloaded; without Chromium these tests fail
and say how to install it.
"""

import contextlib
import os

import pytest
from django.db import connections

from scripts.chromium import CHROMIUM, CHROMIUM_ARGS
from scripts.served_site import ROOT, ServedSite, free_port

AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


WEBHOOK_SECRET = "whsec_e2e_local"


@pytest.fixture(scope="session")
def fake_stripe_server():
    """The fake Stripe of tests/fake_stripe.py, posting signed webhooks to the served site."""
    from tests.fake_stripe import FakeStripeServer

    site_port = free_port()
    server = FakeStripeServer(
        webhook_url=f"http://127.0.0.1:{site_port}/stripe/webhook/",
        webhook_secret=WEBHOOK_SECRET,
    ).start()
    server.site_port = site_port
    yield server
    server.stop()


@pytest.fixture(scope="session")
def served_site(tmp_path_factory, fake_stripe_server):
    """`make serve` with online giving on, against the fake Stripe.

    The browser talks plain HTTP to gunicorn, as the TLS proxy would; the header tests send the
    proxy's X-Forwarded-Proto themselves.
    """
    workdir = tmp_path_factory.mktemp("served-site")
    site = ServedSite(
        workdir,
        {
            "SECURE_SSL_REDIRECT": "0",
            # Counters of this run only: a second run within 10 minutes must not be rate limited.
            "RATE_LIMIT_CACHE_DIR": str(workdir / "rate-limits"),
            "STRIPE_API_BASE": fake_stripe_server.url,
            "STRIPE_SECRET_KEY": "sk_test_e2e",
            "STRIPE_PUBLISHABLE_KEY": "pk_test_e2e",
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            # Few threads: on the PostgreSQL run the suite shares the server's connections.
            "WEB_THREADS": "8",
        },
        port=fake_stripe_server.site_port,
    )
    yield site
    site.stop()


@contextlib.contextmanager
def launched_chromium():
    """Debian's Chromium through Playwright, closed again with what this thread opened in it."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"Debian's Chromium is not installed at {CHROMIUM}. Install it with `make browser` "
            "(apt-get install -y chromium); these tests never download a browser.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
            # While Playwright's event loop runs in this thread, Django's connections live in a
            # store of their own (asgiref keys them by that context): close them here, inside
            # it, or their PostgreSQL sessions outlive the test database ("being accessed by
            # other users").
            connections.close_all()


@pytest.fixture(scope="session")
def browser():
    with launched_chromium() as chromium:
        yield chromium


@pytest.fixture
def phone(browser):
    """A phone-sized page that fails the test on any console error (a CSP violation is one)."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert errors == [], f"the browser console reported errors: {errors}"


@pytest.fixture
def axe_page(browser):
    """A page into which axe-core can be injected (its script is inline, so CSP is bypassed)."""
    if not AXE_SCRIPT.exists():
        pytest.fail(
            f"{AXE_SCRIPT} is missing: run `npm ci --omit=dev` (make test does it).",
            pytrace=False,
        )
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page) -> list[dict]:
    """WCAG 2.0/2.1/2.2 A and AA rules, plus axe's best practices, on the page as it stands."""
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag', values:
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"""
    )
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "targets": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
    ]
