"""A two-language site for the language tests: the seed's English tree and its Filipino copy.

Built the way an editor's "Translate" action builds it (``copy_for_translation``, a draft), then
published, a story with its own confirmation for its own Filipino revision. Pages the seed may
already have translated (the content helper's Filipino tree) are kept as they are.
"""

from wagtail.models import Locale, Page

from pages.models import StoryPage
from tests.conftest import publish_confirmed_story

FILIPINO_HOME_TITLE = "Tahanan ng pagsubok"


def filipino_locale() -> Locale:
    return Locale.objects.get_or_create(language_code="fil")[0]


def translate_and_publish(page, locale=None, *, title=None):
    """The page's Filipino draft, published (a story with its own confirmation)."""
    locale = locale or filipino_locale()
    existing = page.get_translation_or_none(locale)
    translated = existing.specific if existing else page.copy_for_translation(locale).specific
    if title:
        translated.title = translated.seo_title = title
    if isinstance(translated, StoryPage):
        return publish_confirmed_story(translated)
    translated.save_revision().publish()
    translated.refresh_from_db()
    return translated


def build_filipino_tree(home) -> dict:
    """Every live page of the English tree with its live Filipino version: {english: filipino}."""
    locale = filipino_locale()
    pairs = {}
    for page in home.get_descendants(inclusive=True).live().specific().order_by("path"):
        title = FILIPINO_HOME_TITLE if page.pk == home.pk else None
        pairs[page] = translate_and_publish(page, locale, title=title)
    return pairs


def live_pages(language_code: str) -> list[Page]:
    return list(
        Page.objects.live()
        .filter(depth__gte=2, locale__language_code=language_code)
        .specific()
        .order_by("path")
    )
