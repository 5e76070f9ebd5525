"""What sites seeded before issue 10 are missing, added once (see pages/seed/steps.py).

Each addition changes only content that is still exactly as the seed wrote it, so an editor's
own wording is never touched. Changes to the home page are published as a new revision, and
wait (the addition returns False, so it is tried again next run) while the home page has an
unpublished draft, which publishing would otherwise bury.
"""

from django.utils.translation import gettext as _
from wagtail.models import Site

from pages.seed import fact_sheet
from pages.seed.steps import register_seed_addition


def add_privacy_page(*, home, report) -> None:
    from pages.seed.loader import ensure_privacy_page

    site = Site.objects.filter(root_page=home).first() or Site.objects.get(is_default_site=True)
    ensure_privacy_page(home, site, report)


def _home_sections(home) -> list[dict]:
    return [dict(block) for block in home.body.raw_data]


def _publish_home(home, body: list[dict], report, what: str) -> None:
    from pages.seed.loader import publish_seed_page

    home.body = body
    publish_seed_page(home)
    report.add(what)


def add_fact_qualifiers(*, home, report) -> bool | None:
    """'estimated' beside the fact sheet's two estimates, where staff have not changed them."""
    if home.has_unpublished_changes:
        return False
    seeded = {
        (fact["figure"], fact["source"]): fact["qualifier"] for fact in fact_sheet.FACTS["facts"]
    }
    body = _home_sections(home)
    changed = 0
    for section in body:
        if section["type"] != "facts":
            continue
        for item in section["value"].get("facts", []):
            fact = item.get("value", item)
            qualifier = seeded.get((fact.get("figure"), fact.get("source")))
            if qualifier and "qualifier" not in fact:
                fact["qualifier"] = qualifier
                changed += 1
    if changed:
        _publish_home(home, body, report, _("qualifier on %(count)d fact(s)") % {"count": changed})
    return None


def _is_seeded(section: dict, block_type: str, seed: dict) -> bool:
    value = section["value"]
    return section["type"] == block_type and all(value.get(k) == v for k, v in seed.items())


def add_hope_figure(*, home, report) -> bool | None:
    """The donor's path on an older home page: the hope figure before the ask, said once.

    Adds the hope section before the first donate section, and drops what the seed once
    repeated if it is still the seed's own words: the 2022 milestone (now the hope figure), the
    mission section (the hero and the About page say it) and the contact section (the footer).
    """
    if home.has_unpublished_changes:
        return False
    body = _home_sections(home)
    if any(section["type"] == "hope" for section in body):
        return None
    for section in body:
        if section["type"] == "milestones":
            section["value"]["milestones"] = [
                item
                for item in section["value"].get("milestones", [])
                if item.get("value", item).get("year") != fact_sheet.HOPE_MILESTONE_YEAR
                or "Over 1,000" not in str(item.get("value", item).get("text", ""))
            ]
    body = [
        section
        for section in body
        if not _is_seeded(section, "text_section", fact_sheet.MISSION)
        and not _is_seeded(section, "contact", fact_sheet.CONTACT)
    ]
    hope = {"type": "hope", "value": dict(fact_sheet.HOPE)}
    donate_at = next((i for i, s in enumerate(body) if s["type"] == "donate"), len(body))
    body.insert(donate_at, hope)
    _publish_home(home, body, report, _("hope figure on the home page"))
    return None


def add_filipino_tree(*, home, report) -> None:
    """An English-only site gets the Filipino translation of each seed page it lacks.

    English pages are only read; a page an editor already translated is left alone. Other
    apps' pages (the donate page) come with their own additions. ``home`` is unused: the
    English home page is found by its locale.
    """
    from pages.seed.filipino import ensure_filipino_tree

    ensure_filipino_tree(report, other_apps=False)


def register() -> None:
    register_seed_addition("privacy-page", add_privacy_page)
    register_seed_addition("fact-qualifiers", add_fact_qualifiers)
    register_seed_addition("hope-figure", add_hope_figure)
    register_seed_addition("filipino-tree", add_filipino_tree)
