"""`make serve` behind the TLS proxy: headers on every page, static files, cache and logs, and
visitors answered while donors' checkouts wait on Stripe."""

import os
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from scripts.bench_spike import give
from scripts.served_site import ROOT, is_postgres

PROXY = {"X-Forwarded-Proto": "https"}
PAGES = [
    "/",
    "/stories/",
    "/stories/aarons-story/",
    "/about/",
    "/donate/",
    "/search/?q=children",
    "/no-such-page/",
]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, headers: dict | None = None):
    """(status, headers, body) without following redirects; 4xx/5xx are answers, not errors."""
    opener = urllib.request.build_opener(_NoRedirects)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_carries_the_security_headers_behind_the_proxy(served_site, path):
    status, headers, _ = fetch(served_site.url + path, PROXY)
    assert status == (404 if path == "/no-such-page/" else 200)
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    csp = dict(
        (directive.split(" ", 1) + [""])[:2]
        for directive in (d.strip() for d in headers["Content-Security-Policy"].split(";"))
    )
    assert csp["script-src"] == "'self'"
    assert "unsafe" not in csp["script-src"] + csp["default-src"] + csp["style-src"]
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "https://checkout.stripe.com" in csp["form-action"]
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]


def test_public_pages_have_no_inline_script_or_style(served_site):
    for path in PAGES:
        _, _, body = fetch(served_site.url + path, PROXY)
        html = body.decode()
        # Structured data (JSON-LD) is never executed, so CSP has nothing to allow for it.
        inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/ld\+json\")[^>]*>")
        assert not inline.search(html), path
        assert not re.search(r"<style\b|\sstyle=\"|\son[a-z]+=\"", html), path


def test_cookies_are_secure_and_http_only_behind_the_proxy(served_site):
    _, headers, _ = fetch(served_site.url + "/admin/login/", PROXY)
    cookies = headers.get_all("Set-Cookie")
    assert cookies, "the login form sets the CSRF cookie"
    for cookie in cookies:
        assert "Secure" in cookie and "HttpOnly" in cookie, cookie


def test_the_home_page_is_served_from_the_cache_on_the_second_visit(served_site):
    fetch(served_site.url + "/?from=cache-test", PROXY)
    statuses = {fetch(served_site.url + "/?from=cache-test", PROXY)[1]["X-Cache"] for _ in range(4)}
    assert "HIT" in statuses  # each of the two workers stores its own copy on its first visit


def test_static_files_are_hashed_compressed_and_cached_for_a_year(served_site):
    _, _, body = fetch(served_site.url + "/", PROXY)
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', body.decode())
    assert stylesheet, "the stylesheet's address carries its content hash"
    status, headers, compressed = fetch(
        served_site.url + stylesheet.group(1), {**PROXY, "Accept-Encoding": "gzip, br"}
    )
    assert status == 200
    assert headers["Content-Encoding"] in {"gzip", "br"}
    assert "max-age=31536000" in headers["Cache-Control"]
    assert "immutable" in headers["Cache-Control"]


def test_the_access_log_has_one_line_per_request_without_the_query_string(served_site):
    fetch(served_site.url + "/stories/?email=donor%40example.org&page=1", PROXY)
    lines = [line for line in served_site.log().splitlines() if '"GET /stories/"' in line]
    assert lines, served_site.log()[-2000:]
    assert re.search(r'"GET /stories/" 200 \d+ \d+ms cache=(HIT|MISS)', lines[-1])
    assert "donor" not in served_site.log()


@pytest.mark.parametrize("path", ["/", "/donate/"])
def test_the_pages_a_search_result_leads_to_describe_themselves(served_site, path):
    _, _, body = fetch(served_site.url + path, PROXY)
    assert re.search(r'<meta name="description" content="[^"]{50,}">', body.decode())


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "make serve needs SECRET_KEY"),
        ("ALLOWED_HOSTS", "make serve needs ALLOWED_HOSTS"),
    ],
)
def test_make_serve_refuses_to_start_without_its_secrets(missing, message):
    env = {**os.environ, "SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "localhost", "PORT": "1"}
    del env[missing]
    result = subprocess.run(
        ["make", "--no-print-directory", "serve"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_a_cached_page_is_answered_while_checkouts_wait_inside_stripe(
    served_site, fake_stripe_server
):
    """As many donors as there are workers start a gift, and Stripe holds every one of them: a
    reader of the home page is still answered before any of those donors is. (Sync workers would
    each be held by a checkout, and the reader would wait until Stripe answered.)"""
    fake = fake_stripe_server.fake
    workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
    for _ in range(4):
        fetch(served_site.url + "/", PROXY)
    already = len(fake.calls("POST", "/v1/checkout/sessions"))
    release = fake.hold_api_calls()
    gifts: list = []
    donors = [
        threading.Thread(target=lambda: gifts.append(give(served_site.url, "/donate/")))
        for _ in range(workers)
    ]
    try:
        for donor in donors:
            donor.start()
        deadline = time.monotonic() + 60  # a guard against a hang, not a figure
        while len(fake.calls("POST", "/v1/checkout/sessions")) < already + workers:
            assert time.monotonic() < deadline, "the donors' checkouts never reached Stripe"
            time.sleep(0.05)

        # Each worker keeps its own copy of the page: read until one is served from the cache.
        answers = [fetch(served_site.url + "/", PROXY) for _ in range(10)]

        assert all(status == 200 and b"Donate" in body for status, _, body in answers)
        assert "HIT" in {headers["X-Cache"] for _, headers, _ in answers}
        assert gifts == [], "a donor was answered before Stripe was let go"
    finally:
        release.set()
        for donor in donors:
            donor.join(timeout=60)
    assert len(gifts) == workers
    assert all(gift.started for gift in gifts), [gift.answer.status for gift in gifts]


def test_the_served_site_keeps_its_data_in_the_suites_kind_of_database(served_site):
    suite_database = os.environ.get("DATABASE_URL", "")
    assert is_postgres(served_site.database_url) == is_postgres(suite_database)
    assert served_site.database_url != suite_database
    pages = served_site.query("SELECT count(*) FROM wagtailcore_page")[0][0]
    assert pages > 1, "make serve seeded the site in that database"
