"""Finding the page of a kind (the donate page, the stories listing) in the visitor's language.

Each language has its own tree, so "the" donate page or stories listing is one per language.
Code that links to one asks here: the active language's live page, else the default language's
while a language has none yet (a visitor is still led somewhere), never another language's in
place of an unpublished one of the default language.
"""

from django.conf import settings
from django.utils.translation import get_language


def active_language() -> str:
    """The language of the request being answered (the default one outside a request)."""
    return get_language() or settings.LANGUAGE_CODE


def find_live_in_language(model, language: str | None = None):
    pages = model.objects.live().public().order_by("path")
    language = language or active_language()
    page = pages.filter(locale__language_code=language).first()
    if page is None and language != settings.LANGUAGE_CODE:
        page = pages.filter(locale__language_code=settings.LANGUAGE_CODE).first()
    return page


def find_in_default_language(model):
    """The default language's page of a kind (live or not), for the editors' shortcuts."""
    pages = model.objects.order_by("path")
    return pages.filter(locale__language_code=settings.LANGUAGE_CODE).first() or pages.first()
