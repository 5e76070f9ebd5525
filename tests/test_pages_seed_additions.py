"""Sites seeded before issue 10 get its new seed content once, without losing staff's work."""

from io import StringIO

import pytest
from django.core.management import call_command
from wagtail.models import Site

from pages.models import HomePage, StandardPage
from pages.seed import fact_sheet
from pages.seed.additions import SeedAddition
from pages.seed.loader import SeedReport, apply_seed_additions, load_seed_content
from pages.seed.steps import register_seed_addition, registered_seed_additions
from pages.settings import OrganisationSettings

pytestmark = pytest.mark.django_db

OLD_MILESTONE_2022 = {
    "year": 2022,
    "text": "<p>Over 1,000 survivors and at-risk children brought to safety in IJM-supported "
    "operations since 2011.</p>",
}


@pytest.fixture
def site_seeded_before_issue_10(seeded_site):
    """The site as the earlier seed built it: no privacy page, no qualifiers, no hope figure,
    the mission and contact sections, and the 2022 milestone at the end of the timeline."""
    StandardPage.objects.get(locale__language_code="en", slug="privacy").delete()
    organisation = OrganisationSettings.for_site(Site.objects.get())
    organisation.privacy_page = None
    organisation.save()
    home = HomePage.objects.get(locale__language_code="en")
    body = []
    for section in home.body.raw_data:
        section = dict(section)
        if section["type"] == "hope":
            continue
        if section["type"] == "facts":
            for item in section["value"]["facts"]:
                item["value"].pop("qualifier", None)
        if section["type"] == "milestones":
            section["value"]["milestones"].append({"type": "item", "value": OLD_MILESTONE_2022})
        body.append(section)
    donate_at = next(i for i, s in enumerate(body) if s["type"] == "donate")
    body.insert(donate_at, {"type": "text_section", "value": fact_sheet.MISSION})
    body.append({"type": "contact", "value": fact_sheet.CONTACT})
    home.body = body
    home.save_revision().publish()
    SeedAddition.objects.all().delete()
    return HomePage.objects.get(locale__language_code="en")


def _types(home):
    return [section.block_type for section in HomePage.objects.get(locale__language_code="en").body]


def test_a_new_site_records_every_addition_as_already_there(seeded_site):
    names = {name for name, _step in registered_seed_additions()}
    assert {"privacy-page", "fact-qualifiers", "hope-figure"} <= names
    assert set(SeedAddition.objects.values_list("name", flat=True)) == names


def test_seed_content_if_empty_brings_an_older_site_what_it_lacks(
    site_seeded_before_issue_10, client
):
    out = StringIO()
    call_command("seed_content", "--if-empty", stdout=out)
    assert "Created page 'Privacy'" in out.getvalue()
    privacy = StandardPage.objects.get(locale__language_code="en", slug="privacy")
    assert privacy.live
    assert OrganisationSettings.for_site(Site.objects.get()).privacy_page_id == privacy.pk
    types = _types(site_seeded_before_issue_10)
    assert types.index("hope") == types.index("donate") - 1
    assert "contact" not in types and "text_section" not in types
    text = client.get("/").content.decode()
    assert "estimated</span> 750,000" in text
    assert "Over 1,000 survivors" not in text  # the milestone became the hope figure
    assert '<a href="/privacy/">Privacy</a>' in text


def test_an_addition_never_runs_twice_so_what_staff_removed_stays_removed(
    site_seeded_before_issue_10,
):
    apply_seed_additions(SeedReport())
    StandardPage.objects.get(locale__language_code="en", slug="privacy").delete()
    home = HomePage.objects.get(locale__language_code="en")
    home.body = [s for s in home.body.raw_data if s["type"] != "hope"]
    home.save_revision().publish()

    report = SeedReport()
    apply_seed_additions(report)
    load_seed_content()
    assert report.created == []
    assert not StandardPage.objects.filter(locale__language_code="en", slug="privacy").exists()
    assert "hope" not in _types(home)


def test_an_editors_own_wording_is_left_alone(site_seeded_before_issue_10):
    home = site_seeded_before_issue_10
    body = home.body.raw_data
    for section in body:
        if section["type"] == "text_section":
            section["value"]["heading"] = "What we do"
        if section["type"] == "facts":
            section["value"]["facts"][0]["value"]["figure"] = "About 750,000"
    home.body = body
    home.save_revision().publish()
    apply_seed_additions(SeedReport())
    sections = {
        s.block_type: s.value for s in HomePage.objects.get(locale__language_code="en").body
    }
    assert sections["text_section"]["heading"] == "What we do"
    facts = sections["facts"]["facts"]
    assert not facts[0]["qualifier"] and facts[1]["qualifier"] == "estimated"


def test_a_home_page_draft_is_never_buried_the_addition_waits_for_it(
    site_seeded_before_issue_10,
):
    home = site_seeded_before_issue_10
    home.hero_heading = "A draft heading"
    home.save_revision()
    apply_seed_additions(SeedReport())
    done = set(SeedAddition.objects.values_list("name", flat=True))
    assert "privacy-page" in done
    assert "hope-figure" not in done and "fact-qualifiers" not in done
    assert HomePage.objects.get(
        locale__language_code="en"
    ).get_latest_revision().as_object().hero_heading == ("A draft heading")

    HomePage.objects.get(locale__language_code="en").get_latest_revision().publish()
    apply_seed_additions(SeedReport())
    assert "hope" in _types(home)
    assert HomePage.objects.get(locale__language_code="en").hero_heading == "A draft heading"


def test_another_app_registers_an_addition_that_runs_once(site_seeded_before_issue_10):
    calls = []

    def add_something(*, home, report):
        calls.append(home.pk)
        report.add("something")

    register_seed_addition("test-something", add_something)
    try:
        report = SeedReport()
        apply_seed_additions(report)
        apply_seed_additions(SeedReport())
    finally:
        from pages.seed import steps

        steps._additions.pop("test-something")
    assert calls == [site_seeded_before_issue_10.pk]
    assert "something" in report.created
