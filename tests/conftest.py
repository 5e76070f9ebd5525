import re

import pytest
from django.core.cache import cache

from pages.seed.loader import load_seed_content


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Each test starts with an empty cache (rate limits, page cache, settings)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seeded_site(db):
    """The whole site as `make run` builds it from the fact sheet."""
    load_seed_content()
    from pages.models import HomePage

    return HomePage.objects.get()


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
