"""The fact sheet becomes the site: every fact on the rendered pages, and seeding is safe."""

import pytest
from django.core.management import call_command
from wagtail.models import Page, Revision, Site

from pages.models import HomePage, StandardPage, StoryIndexPage, StoryPage
from pages.seed import fact_sheet
from pages.seed.loader import load_seed_content
from pages.settings import OrganisationSettings
from tests.conftest import publish_confirmed_story, visible_text

pytestmark = pytest.mark.django_db


def _text(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return visible_text(response.content.decode())


def test_the_page_tree_matches_the_design(seeded_site):
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific == seeded_site
    index = StoryIndexPage.objects.child_of(seeded_site).get()
    assert [p.slug for p in StoryPage.objects.child_of(index)] == ["aarons-story"]
    assert StandardPage.objects.child_of(seeded_site).filter(slug="about").exists()
    # Beside the English home page only its Filipino translation, the Filipino tree's root.
    others = Page.objects.filter(depth=2).exclude(pk=seeded_site.pk)
    assert [page.translation_key for page in others] == [seeded_site.translation_key]
    assert all(page.live for page in Page.objects.filter(depth__gte=2))


HOME_FACTS = [
    "Online sexual exploitation of children (OSEC)",
    "Filipino children are vulnerable to this fast-growing trafficking crime, with infants as "
    "young as two months old at risk.",
    "Children are trafficked by parents, trusted relatives, friends, or neighbors for the "
    "creation of child sexual exploitation material (CSEM) like photos and videos.",
    "Traffickers livestream the exploitation to satisfy the online demand of child sex offenders "
    "in foreign countries paying to direct the abuse in real time.",
    "IJM works with the Philippine government against this crime",
    "IJM provides support to law enforcement agencies in the investigation of suspects and in "
    "rescue operations.",
    "IJM supports child-protective prosecution in its casework and collaboration with the "
    "Department of Justice.",
    "Partnering with social services, IJM supports the care of each survivor.",
    "The Philippines is a global hotspot for OSEC, the livestreaming of online child sexual abuse.",
    "OSEC affects minors of all ages, from months-old infants to 17 year-olds, male and female.",
    "750,000",
    "child sex predators online at any given time",
    "Source: United Nations and United States FBI, 2011",
    "550,000 to 850,000",
    "people in the UK alone posing a threat to children online",
    "Source: UK National Crime Agency, 2021",
    "IJM works with the Philippine government, international law enforcement, and relevant "
    "stakeholders to combat the trafficking of Filipino children for livestreamed sexual abuse.",
    "Aaron's Story",
    "*A pseudonym",
    "19/F Marco Polo",
    "Ortigas, Sapphire Road",
    "Ortigas Center",
    "Pasig City 1600",
    "632 8 637 3983",
    "632 8 633 7707",
    "www.OSEC.IJM.org",
]

MILESTONE_FACTS = [
    "IJM responds to the first reported cases of online sexual exploitation of children.",
    "IJM fully focused its resources on battling OSEC, working with the government in "
    "investigations and law enforcement, prosecution, and aftercare.",
    "U.S.-Philippine Child Protection Compact",
    "Philippine Internet Crimes against Children Center (PICACC)",
    "together with the Philippine National Police, National Bureau of Investigation, Australian "
    "Federal Police, UK National Crime Agency, and National Police of the Netherlands.",
    "Launch of the Center to End Online Sexual Exploitation of Children",
    # The 2022 milestone is the home page's hope figure (issue 10), in its own section.
    "1,000+ survivors and at-risk children brought to safety in IJM-supported operations "
    "since 2011",
    "Source: IJM Philippines, 2022",
]
MISSION_STATEMENT = (
    "IJM Philippines seeks to protect children from online sexual exploitation by strengthening "
    "the capacity of the Philippine criminal justice system to enforce the law, increasing local "
    "and global collaboration, building trauma-informed networks of care, and empowering survivor "
    "and government leadership."
)


@pytest.mark.parametrize("fact", HOME_FACTS + MILESTONE_FACTS)
def test_every_fact_of_the_fact_sheet_is_on_the_home_page(client, seeded_site, fact):
    assert fact in _text(client, "/")


def test_the_mission_statement_is_on_the_about_page_and_said_once_on_home(client, seeded_site):
    assert MISSION_STATEMENT in _text(client, "/about/")
    home = _text(client, "/")
    assert MISSION_STATEMENT not in home
    assert home.count(fact_sheet.HOME["hero_text"]) == 1


def test_the_home_page_shows_the_milestone_years_in_order(client, seeded_site):
    text = _text(client, "/")
    positions = [text.index(f" {year} ") for year in (2011, 2016, 2017, 2019, 2020)]
    assert positions == sorted(positions)


def test_aarons_whole_story_and_its_pseudonym_note_are_on_the_story_page(client, seeded_site):
    text = _text(client, "/stories/aarons-story/")
    for paragraph in fact_sheet.AARON["paragraphs"]:
        assert paragraph in text
    assert "*A pseudonym" in text
    assert "His favorite: Captain America!" in text


def test_the_footer_carries_the_organisation_details_on_every_page(client, seeded_site):
    for url in ("/", "/stories/", "/stories/aarons-story/", "/about/"):
        text = _text(client, url)
        assert "19/F Marco Polo" in text and "632 8 637 3983" in text, url


def test_seeding_twice_changes_nothing(seeded_site):
    counts = (Page.objects.count(), Revision.objects.count(), Site.objects.count())
    latest = {p.pk: p.latest_revision_id for p in Page.objects.all()}
    report = load_seed_content()
    assert report.created == []
    assert (Page.objects.count(), Revision.objects.count(), Site.objects.count()) == counts
    assert {p.pk: p.latest_revision_id for p in Page.objects.all()} == latest


def test_seeding_never_overwrites_an_editors_changes(seeded_site):
    story = StoryPage.objects.get(locale__language_code="en")
    story.title = "A story the editor rewrote"
    publish_confirmed_story(story)
    organisation = OrganisationSettings.for_site(Site.objects.get())
    organisation.phone = "+63 2 0000 0000"
    organisation.save()
    StandardPage.objects.get(locale__language_code="en", slug="about").delete()

    load_seed_content()

    assert StoryPage.objects.get(locale__language_code="en").title == "A story the editor rewrote"
    assert OrganisationSettings.for_site(Site.objects.get()).phone == "+63 2 0000 0000"
    assert HomePage.objects.filter(locale__language_code="en").count() == 1


def test_the_command_with_if_empty_leaves_a_site_with_content_alone(seeded_site, capsys):
    call_command("seed_content", "--if-empty")
    assert "already has content" in capsys.readouterr().out


def test_the_command_reports_what_it_created(db, capsys):
    call_command("seed_content")
    out = capsys.readouterr().out
    assert "Created home page" in out and "Created story 'Aaron's Story'" in out
    call_command("seed_content")
    assert "Nothing to do" in capsys.readouterr().out
