"""Issue 10, the pages half: the home page moves a visitor to give, facts say when they are
estimates, the site has pictures of its own and a privacy notice."""

import re

import pytest
from django.test import Client
from wagtail.models import Site

from pages.models import HomePage, StandardPage
from pages.seed import fact_sheet
from pages.settings import OrganisationSettings
from tests.conftest import visible_text

pytestmark = pytest.mark.django_db


def _html(url="/"):
    response = Client().get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _main(html):
    return html[html.index("<main") : html.index("</main>")]


def test_the_hero_asks_for_a_gift_before_anything_else(seeded_site):
    main = _main(_html())
    hero = main[: main.index("</section>")]
    assert re.search(r'<a class="button button--large" href="/donate/">Donate</a>', hero)


def test_the_home_page_goes_problem_response_story_hope_then_asks(seeded_site):
    text = visible_text(_main(_html()))
    order = [
        "Online sexual exploitation of children (OSEC)",  # the problem
        "A global hotspot for OSEC",  # its scale
        "IJM works with the Philippine government against this crime",  # the response
        "Aaron's Story",  # a story
        "1,000+",  # hope
        fact_sheet.DONATE_CTA["heading"],  # the ask
    ]
    positions = [text.index(words) for words in order]
    assert positions == sorted(positions)
    assert text.rstrip().endswith("Donate")  # the ask closes the page's main content


def test_the_home_page_says_the_mission_once_and_leaves_contact_details_to_the_footer(
    seeded_site,
):
    html = _html()
    text = visible_text(_main(html))
    assert text.count(fact_sheet.HOME["hero_text"]) == 1
    assert "632 8 637 3983" not in text  # in the footer only
    assert visible_text(html).count("632 8 637 3983") == 1


def test_the_hope_figure_has_its_own_section_right_before_the_call_to_give(seeded_site):
    main = _main(_html())
    hope = main.index('class="section section--hope"')
    donate = main.index('class="section section--donate"')
    assert hope < donate
    between = main[hope:donate]
    assert "1,000+" in between
    assert "survivors and at-risk children brought to safety" in visible_text(between)
    assert "<svg" in between  # illustrated
    assert between.count("<section") == 1  # nothing else between the figure and the ask


def test_estimates_read_as_estimates(seeded_site):
    text = visible_text(_html())
    assert "estimated 750,000 child sex predators online" in text
    assert "estimated 550,000 to 850,000 people in the UK alone" in text


def _publish_home_with_every(section_type, list_name, **changes):
    """Publish the home page with `changes` made to every item of its sections' lists."""
    home = HomePage.objects.get(locale__language_code="en")
    body = home.body.raw_data
    for section in body:
        if section["type"] == section_type:
            for item in section["value"][list_name]:
                item["value"].update(changes)
    home.body = body
    home.save_revision().publish()


def test_a_fact_without_a_qualifier_shows_only_its_figure(seeded_site):
    _publish_home_with_every("facts", "facts", qualifier="")
    html = _html()
    assert "fact__qualifier" not in html
    assert "750,000" in visible_text(html)


def test_each_pillar_has_its_own_drawing_and_the_timeline_one_too(seeded_site):
    main = _main(_html())
    pillars = main[main.index('class="pillars"') :]
    pillars = pillars[: pillars.index("</ul>")]
    drawings = re.findall(r"<svg[^>]*>.*?</svg>", pillars, re.S)
    assert len(drawings) == 3 and len(set(drawings)) == 3
    milestones = main[main.index("section--milestones") :]
    assert "illustration--timeline" in milestones[: milestones.index("</section>")]
    # Decorative: screen readers skip them.
    assert all('aria-hidden="true"' in svg for svg in re.findall(r"<svg[^>]*>", main))


def test_an_editor_can_choose_a_pillars_drawing(seeded_site):
    _publish_home_with_every("pillars", "pillars", illustration="heart")
    main = _main(_html())
    pillars = main[main.index('class="pillars"') :]
    pillars = pillars[: pillars.index("</ul>")]
    assert len(set(re.findall(r"<svg[^>]*>.*?</svg>", pillars, re.S))) == 1


def test_the_featured_story_without_a_photo_shows_a_drawing_beside_it(seeded_site):
    main = _main(_html())
    story = main[main.index("section--story") :]
    story = story[: story.index("</section>")]
    assert "illustration--story" in story


@pytest.mark.parametrize(
    "url", ["/", "/stories/", "/stories/aarons-story/", "/about/", "/privacy/", "/donate/"]
)
def test_every_page_has_a_sharing_picture_and_icons(seeded_site, url):
    head = _html(url).split("</head>")[0]
    image = re.search(r'<meta property="og:image" content="([^"]+)"', head)
    assert image and image[1].startswith("http://testserver/static/img/sharing-default.png")
    assert f'<meta name="twitter:image" content="{image[1]}">' in head
    assert '<meta property="og:image:width" content="1200">' in head
    assert '<link rel="icon" href="/static/img/favicon.ico" sizes="32x32">' in head
    assert '<link rel="apple-touch-icon" href="/static/img/apple-touch-icon.png">' in head


def test_the_default_sharing_picture_and_icons_are_the_sizes_networks_want():
    from PIL import Image

    from scripts.served_site import ROOT

    with Image.open(ROOT / "static/img/sharing-default.png") as card:
        assert card.size == (1200, 630)
    with Image.open(ROOT / "static/img/apple-touch-icon.png") as touch:
        assert touch.size == (180, 180)
    with Image.open(ROOT / "static/img/favicon.ico") as icon:
        assert (32, 32) in icon.info["sizes"]


def test_the_footer_links_the_privacy_notice_on_every_page(seeded_site):
    for url in ("/", "/stories/aarons-story/", "/about/", "/search/"):
        footer = _html(url).split('<footer class="site-footer">')[1]
        assert '<a href="/privacy/">Privacy</a>' in footer, url


def test_the_privacy_link_follows_organisation_details_and_hides_when_unset(seeded_site):
    organisation = OrganisationSettings.for_site(Site.objects.get())
    assert organisation.privacy_page.specific == StandardPage.objects.get(
        locale__language_code="en", slug="privacy"
    )
    organisation.privacy_page = StandardPage.objects.get(locale__language_code="en", slug="about")
    organisation.save()
    assert '<a href="/about/">Privacy</a>' in _html()
    organisation.privacy_page = None
    organisation.save()
    assert ">Privacy</a>" not in _html()


def test_the_privacy_notice_says_what_the_site_really_does(seeded_site):
    text = visible_text(_main(_html("/privacy/")))
    for words in (
        "name and email address",
        "dedication",
        "Stripe",
        "never sees or stores it",
        "receipt by email",
        "How long we keep it",
        "erases your name, email and dedication",
        "keeps only the money record",
    ):
        assert words in text, words
