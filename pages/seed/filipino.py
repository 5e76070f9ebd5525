"""The Filipino tree: each English seed page's translation, filled from ``fact_sheet_fil``.

Wagtail keeps one page tree per locale: the Filipino home page is a sibling of the English one
under the root, and every translation is made with ``copy_for_translation``, so it shares its
English page's ``translation_key`` (what the language switcher and ``hreflang`` follow), its
slug, images, presets and settings. Only the words are replaced, then the translation is
published as a revision of its own; a story's Filipino revision gets its own safeguarding
confirmation, exactly as the English one did.

Only what is missing is made: a page that already has a Filipino version (the seed's or an
editor's, live or draft) is never touched, and English pages are only read. Other apps
translate their own seed pages through ``pages.seed.steps.register_translation_step``.
"""

from django.conf import settings
from wagtail.models import Locale, Page

from pages.models import HomePage, StandardPage, StoryIndexPage, StoryPage
from pages.seed import fact_sheet, fact_sheet_fil

FILIPINO = "fil"


def filipino_locale() -> Locale:
    return Locale.objects.get_or_create(language_code=FILIPINO)[0]


def english_home() -> HomePage | None:
    """The default locale's home page (the site's root), never another language's."""
    default = Locale.objects.filter(language_code=settings.LANGUAGE_CODE).first()
    pages = HomePage.objects.all()
    return (pages.filter(locale=default) if default else pages).order_by("path").first()


def _has_content(value) -> bool:
    if hasattr(value, "raw_data"):  # a StreamField value
        return len(value.raw_data) > 0
    return bool(value)


def translate_seed_page(page: Page, words: dict, locale: Locale, report) -> Page | None:
    """Create and publish ``page``'s translation into ``locale`` with ``words``, field by field.

    A field the English page leaves empty stays empty in the translation: staff emptied it on
    purpose (a trust panel part they cannot stand behind, for one). Returns the new page, or
    None when the page already has a translation, when its parent has none yet (a page whose
    parent an editor chose not to translate stays untranslated), or when the Filipino parent
    already has a page at its slug.
    """
    from pages.seed.loader import publish_seed_page

    page = page.specific
    if page.get_translation_or_none(locale) is not None:
        return None
    parent = page.get_parent()
    if not parent.is_root():
        translated_parent = parent.get_translation_or_none(locale)
        if translated_parent is None:
            return None
        if translated_parent.get_children().filter(slug=page.slug).exists():
            # A Filipino page already holds this address: an editor's own, or the translation
            # of an English page staff since deleted and the seed made again. Never a twin.
            return None
    translation = page.copy_for_translation(locale).specific
    for name, value in words.items():
        if _has_content(getattr(page, name)):
            setattr(translation, name, value)
    if isinstance(translation, StoryPage) and not _is_the_seeds_story(page):
        # Staff changed the English story since the seed (perhaps to remove an identifying
        # detail): the fact sheet's Filipino must not go live over their judgement. It waits as
        # a draft for an editor to compare, confirm and publish.
        translation.save_revision()
        report.add(f"Filipino draft of '{page.title}' for an editor to check and confirm")
        return translation
    publish_seed_page(translation)
    report.add(f"Filipino page '{translation.title}'")
    return translation


def _is_the_seeds_story(story: StoryPage) -> bool:
    data = fact_sheet.AARON
    paragraphs = [block.value.source for block in story.body if block.block_type == "paragraph"]
    return (
        story.live
        and story.title == data["title"]
        and story.summary == data["summary"]
        and paragraphs == [f"<p>{text}</p>" for text in data["paragraphs"]]
    )


def _story_words() -> dict:
    data = fact_sheet_fil.AARON
    return {
        "title": data["title"],
        "summary": data["summary"],
        "pseudonym_note": data["pseudonym_note"],
        "body": [("paragraph", f"<p>{text}</p>") for text in data["paragraphs"]],
    }


def _standard_words(data: dict, body) -> dict:
    words = {"title": data["title"], "intro": data["intro"], "body": body}
    if "seo_title" in data:
        words["seo_title"] = data["seo_title"]
    return words


def ensure_filipino_tree(report, *, other_apps: bool = True) -> HomePage | None:
    """Translate every English seed page that has no Filipino version yet.

    Pages staff added themselves are left for them to translate: the fact sheet has no
    Filipino for them. ``other_apps=False`` leaves other apps' pages (their translation steps)
    to their own seed additions, which run after the additions that complete their English
    pages. Returns the Filipino home page (None on a site with no home page).
    """
    from pages.seed.steps import registered_translation_steps

    home = english_home()
    if home is None:
        return None
    locale = filipino_locale()
    fil_home = home.get_translation_or_none(locale)
    home_is_new = fil_home is None
    if home_is_new:
        # A draft first, so the children have their Filipino parent; its words come last,
        # once the Filipino story its featured-story section points to exists.
        fil_home = home.copy_for_translation(locale)
    _translate_children(home, locale, report)
    if home_is_new:
        # Read afresh: the copy in memory predates its children (a stale tree position).
        _fill_and_publish_home(home, HomePage.objects.get(pk=fil_home.pk), report)
    for step in registered_translation_steps() if other_apps else []:
        step(locale=locale, report=report)
    return fil_home.specific


def _translate_children(home: HomePage, locale: Locale, report) -> None:
    index = StoryIndexPage.objects.child_of(home).first()
    if index is not None:
        data = fact_sheet_fil.STORY_INDEX
        translate_seed_page(index, {"title": data["title"], "intro": data["intro"]}, locale, report)
        story = StoryPage.objects.child_of(index).filter(slug=fact_sheet.AARON["slug"]).first()
        if story is not None:
            translate_seed_page(story, _story_words(), locale, report)
    about = StandardPage.objects.child_of(home).filter(slug=fact_sheet.ABOUT["slug"]).first()
    if about is not None:
        data = fact_sheet_fil.ABOUT
        body = [("paragraph", data["body"])]
        translate_seed_page(about, _standard_words(data, body), locale, report)
    privacy = StandardPage.objects.child_of(home).filter(slug=fact_sheet.PRIVACY["slug"]).first()
    if privacy is not None:
        data = fact_sheet_fil.PRIVACY
        body = [
            ("text_section", {"heading": heading, "text": text})
            for heading, text in data["sections"]
        ]
        translate_seed_page(privacy, _standard_words(data, body), locale, report)


def _fill_and_publish_home(home: HomePage, fil_home: HomePage, report) -> None:
    from pages.seed.loader import home_body, publish_seed_page

    data = fact_sheet_fil.HOME
    for name in ("title", "seo_title", "search_description", "hero_kicker", "hero_heading"):
        if _has_content(getattr(home, name)):
            setattr(fil_home, name, data[name])
    for name in ("hero_text", "tagline"):
        if _has_content(getattr(home, name)):
            setattr(fil_home, name, data[name])
    index = StoryIndexPage.objects.child_of(fil_home).first()
    story = None
    if index is not None:
        story = StoryPage.objects.child_of(index).live().filter(slug=fact_sheet.AARON["slug"])
        story = story.first()
    fil_home.body = home_body(story, fact_sheet_fil)
    publish_seed_page(fil_home)
    report.add(f"Filipino home page '{fil_home.title}'")
