import re

import pytest
from django.core.cache import caches

from pages.seed.loader import load_seed_content


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Each test starts with empty caches (rate limits, page cache, settings, the Sites each
    process remembers: a test's rows are rolled back without the signals that would say so)."""
    from ijm_site.site_lookup import remembered_sites

    for cache in caches.all(initialized_only=False):
        cache.clear()
    remembered_sites.forget()
    yield
    for cache in caches.all(initialized_only=False):
        cache.clear()
    remembered_sites.forget()


@pytest.fixture
def seeded_site(db):
    """The whole site as `make run` builds it from the fact sheet (the English home page; its
    Filipino translation is the Filipino tree's root)."""
    load_seed_content()
    from pages.models import HomePage

    return HomePage.objects.get(locale__language_code="en")


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded, spaces folded."""
    import html as html_lib

    html = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", html)
    html = re.sub(r"(?i)</?(b|strong|i|em|a|span|abbr|small)\b[^>]*>", "", html)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html_lib.unescape(text)).strip()


def publish_confirmed_story(story, user=None):
    """Publish a story the way an editor may: with both safeguarding confirmations recorded for
    the revision being published."""
    from pages.safeguarding import confirm_revision

    revision = story.save_revision(user=user)
    confirm_revision(revision, user)
    revision.publish(user=user)
    story.refresh_from_db()
    return story


WEBHOOK_SECRET = "whsec_test_secret"


@pytest.fixture
def fake_stripe(settings):
    """A fake Stripe API on 127.0.0.1 (tests/fake_stripe.py) that the real library talks to."""
    from tests.fake_stripe import FakeStripeServer

    server = FakeStripeServer().start()
    settings.STRIPE_API_BASE = server.url
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_TIMEOUT = 2
    settings.STRIPE_MAX_NETWORK_RETRIES = 1
    yield server.fake
    server.stop()


@pytest.fixture
def donate_page(seeded_site):
    from donations.models import DonatePage

    return DonatePage.objects.get(locale__language_code="en")


@pytest.fixture
def post_event(client):
    """Post an event to the webhook the way Stripe does: JSON body, signed with the secret."""
    import json

    from tests.fake_stripe import sign

    def post(event: dict, *, secret: str = WEBHOOK_SECRET, signature: str | None = None):
        payload = json.dumps(event)
        header = sign(payload, secret) if signature is None else signature
        return client.post(
            "/stripe/webhook/",
            data=payload,
            content_type="application/json",
            headers={"Stripe-Signature": header} if header else {},
        )

    return post
