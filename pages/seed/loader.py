"""Builds the site's first content from the fact sheet.

The loader only ever creates what is missing: a page or setting that exists is left exactly as
it is, so a second run changes nothing and an editor's work is never overwritten. Other apps add
their own pages through ``pages.seed.steps`` (the donations app its donate page), so this app never
imports theirs.

Sites built before a piece of seed content existed get it through seed additions
(``pages.seed.steps.register_seed_addition``; the pages app's own are in
``pages.seed.additions_for_existing_sites``), applied once per database by ``apply_seed_additions``.

The Filipino tree (``pages.seed.filipino``) is built the same way, from the Filipino fact sheet,
once the English pages exist.
"""

from dataclasses import dataclass, field

from django.db import transaction
from wagtail.models import Page, Site

from pages.models import HomePage, StandardPage, StoryIndexPage, StoryPage
from pages.safeguarding import confirm_revision
from pages.seed import fact_sheet
from pages.seed.additions import SeedAddition
from pages.seed.filipino import english_home, ensure_filipino_tree
from pages.seed.steps import registered_seed_additions, registered_seed_steps
from pages.settings import OrganisationSettings


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)

    def add(self, what: str) -> None:
        self.created.append(what)


def site_has_content() -> bool:
    return HomePage.objects.exists()


def publish_seed_page(page: Page) -> Page:
    """Publish a seed page as the organisation's own confirmed material."""
    revision = page.save_revision()
    if isinstance(page, StoryPage):
        # The fact sheet is the organisation's own published material: consent is on file and
        # the story uses a pseudonym, so the site confirms this exact revision itself.
        confirm_revision(revision)
    revision.publish()
    page.refresh_from_db()
    return page


def _remove_wagtail_welcome_page(root: Page) -> None:
    """Wagtail's first migration adds a plain 'Welcome' page; it has no place in our tree."""
    for page in root.get_children().filter(content_type__model="page", slug="home"):
        if page.get_children_count() == 0:
            page.delete()


def home_body(story: StoryPage | None, sheet=fact_sheet) -> list[tuple[str, dict]]:
    """Problem, response, story, hope, then the ask: each said once (``sheet``: the fact sheet
    of the home page's language).

    The mission is the hero's text and the About page, and the contact details are in the
    footer of every page, so neither is repeated as a section here.
    """
    body = [
        ("problem", sheet.PROBLEM),
        ("facts", sheet.FACTS),
        ("pillars", sheet.PILLARS),
        ("milestones", sheet.MILESTONES),
    ]
    if story is not None:
        body.append(("featured_story", {**sheet.FEATURED_STORY, "story": story}))
    body += [
        ("hope", sheet.HOPE),
        ("donate", sheet.DONATE_CTA),
    ]
    return body


def ensure_privacy_page(home: HomePage, site: Site, report: SeedReport) -> StandardPage:
    """The privacy notice under the home page, linked from Organisation details if unset."""
    data = fact_sheet.PRIVACY
    privacy = _child(home, StandardPage, data["slug"])
    if privacy is None:
        privacy = home.add_child(
            instance=StandardPage(
                title=data["title"],
                slug=data["slug"],
                seo_title=data["seo_title"],
                intro=data["intro"],
                body=[
                    ("text_section", {"heading": heading, "text": text})
                    for heading, text in data["sections"]
                ],
            )
        )
        publish_seed_page(privacy)
        report.add(f"page '{privacy.title}'")
    organisation = OrganisationSettings.for_site(site)
    if organisation.privacy_page_id is None:
        organisation.privacy_page = privacy
        organisation.save()
        report.add("privacy link in organisation details")
    return privacy


def apply_seed_additions(report: SeedReport, *, record_only: bool = False) -> None:
    """Run each registered seed addition this database has not had yet, and record it.

    ``record_only`` marks them applied without running them: a site just built from today's
    seed already has what they add.
    """
    done = set(SeedAddition.objects.values_list("name", flat=True))
    home = english_home()
    if home is None and not record_only:
        return  # nothing to add to yet: the first seed will record them
    for name, step in registered_seed_additions():
        if name in done:
            continue
        with transaction.atomic():
            if not record_only and step(home=home.specific, report=report) is False:
                continue
            SeedAddition.objects.get_or_create(name=name)


def _child(parent: Page, model, slug: str):
    return model.objects.child_of(parent).filter(slug=slug).first()


@transaction.atomic
def load_seed_content() -> SeedReport:
    report = SeedReport()
    root = Page.get_first_root_node()

    home = english_home()
    home_created = home is None
    if home_created:
        _remove_wagtail_welcome_page(root)
        data = fact_sheet.HOME
        home = root.add_child(
            instance=HomePage(
                title=data["title"],
                slug=data["slug"],
                seo_title=data["seo_title"],
                search_description=data["search_description"],
                hero_kicker=data["hero_kicker"],
                hero_heading=data["hero_heading"],
                hero_text=data["hero_text"],
                tagline=data["tagline"],
            )
        )
        report.add(f"home page '{home.title}'")

    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name=fact_sheet.ORGANISATION["name"],
        )
        report.add("default site")
    elif home_created:
        site.root_page = home
        site.site_name = site.site_name or fact_sheet.ORGANISATION["name"]
        site.save()

    index = StoryIndexPage.objects.child_of(home).first()
    if index is None:
        data = fact_sheet.STORY_INDEX
        index = home.add_child(
            instance=StoryIndexPage(
                title=data["title"], slug=data["slug"], intro=data["intro"], show_in_menus=True
            )
        )
        publish_seed_page(index)
        report.add(f"story index '{index.title}'")

    story = _child(index, StoryPage, fact_sheet.AARON["slug"])
    if story is None:
        data = fact_sheet.AARON
        story = index.add_child(
            instance=StoryPage(
                title=data["title"],
                slug=data["slug"],
                summary=data["summary"],
                pseudonym_note=data["pseudonym_note"],
                body=[("paragraph", f"<p>{text}</p>") for text in data["paragraphs"]],
            )
        )
        publish_seed_page(story)
        report.add(f"story '{story.title}'")

    about = _child(home, StandardPage, fact_sheet.ABOUT["slug"])
    if about is None:
        data = fact_sheet.ABOUT
        about = home.add_child(
            instance=StandardPage(
                title=data["title"],
                slug=data["slug"],
                intro=data["intro"],
                body=[("paragraph", data["body"])],
                show_in_menus=True,
            )
        )
        publish_seed_page(about)
        report.add(f"page '{about.title}'")

    for step in registered_seed_steps():
        step(home=home, report=report)

    if home_created:
        ensure_privacy_page(home, site, report)
        home.body = home_body(story)
        publish_seed_page(home)

    organisation = OrganisationSettings.for_site(site)
    if not (organisation.address or organisation.phone or organisation.web_address):
        for name, value in fact_sheet.ORGANISATION.items():
            setattr(organisation, name, value)
        organisation.save()
        report.add("organisation details")

    ensure_filipino_tree(report)
    apply_seed_additions(report, record_only=home_created)
    return report
