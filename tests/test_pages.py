"""Each page type and block renders; the tree only allows sensible places for each page."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from wagtail.blocks import StreamValue
from wagtail.models import Page

from pages import blocks
from pages.models import HomePage, StandardPage, StoryIndexPage, StoryPage
from tests.conftest import publish_confirmed_story, visible_text

pytestmark = pytest.mark.django_db

ALL_BLOCKS = [
    blocks.ProblemBlock,
    blocks.PillarsBlock,
    blocks.PillarBlock,
    blocks.FactsBlock,
    blocks.FactBlock,
    blocks.FeaturedStoryBlock,
    blocks.MilestonesBlock,
    blocks.MilestoneBlock,
    blocks.DonateCallToActionBlock,
    blocks.ContactBlock,
    blocks.TextSectionBlock,
    blocks.QuoteBlock,
    blocks.ParagraphBlock,
    blocks.ContentImageBlock,
]


@pytest.mark.parametrize("block_class", ALL_BLOCKS, ids=lambda cls: cls.__name__)
def test_every_block_has_an_icon_template_description_and_preview(block_class, seeded_site):
    block = block_class()
    assert block.meta.icon and block.meta.icon != "placeholder"
    assert block.meta.template and block.meta.template.startswith("blocks/")
    assert block.meta.description
    if block_class is not blocks.ContentImageBlock:  # previews the newest uploaded image
        assert block.get_preview_value() is not None


@pytest.mark.parametrize(
    "block_class",
    [b for b in ALL_BLOCKS if b is not blocks.ContentImageBlock],
    ids=lambda cls: cls.__name__,
)
def test_every_block_renders_its_preview_value(block_class, seeded_site, rf):
    block = block_class()
    value = block.get_preview_value()
    if not hasattr(value, "render_as_block"):
        value = block.to_python(block.get_prep_value(value)) if isinstance(value, dict) else value
    request = rf.get("/")
    html = block.render(value, context={"request": request, "settings": _settings(request)})
    assert visible_text(html)


def _settings(request):
    from wagtail.contrib.settings.context_processors import settings

    return settings(request)["settings"]


def test_the_home_page_sections_can_be_reordered_and_removed(client, seeded_site):
    html = client.get("/").content.decode()
    assert html.index("The problem") < html.index("Milestones")
    body = list(seeded_site.body)
    seeded_site.body = StreamValue(
        seeded_site.body.stream_block,
        [(b.block_type, b.value) for b in reversed(body) if b.block_type != "problem"],
    )
    seeded_site.save_revision().publish()
    html = client.get("/").content.decode()
    assert "Online sexual exploitation of children (OSEC)" not in html
    assert html.index("Milestones") < html.index("The facts")


def test_each_page_type_renders_with_one_h1_and_a_skip_link(client, seeded_site):
    for url in ("/", "/stories/", "/stories/aarons-story/", "/about/"):
        html = client.get(url).content.decode()
        assert len(re.findall(r"<h1[\s>]", html)) == 1, url
        assert 'href="#main"' in html and 'id="main"' in html
        levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), (url, levels)
        for landmark in ("<header", "<nav", "<main", "<footer"):
            assert landmark in html, (url, landmark)


def test_the_navigation_lists_pages_marked_show_in_menus(client, seeded_site):
    about = StandardPage.objects.get(locale__language_code="en", slug="about")
    nav = re.search(r'<nav class="site-nav".*?</nav>', client.get("/").content.decode(), re.S)
    assert 'href="/about/"' in nav.group(0) and 'href="/stories/"' in nav.group(0)
    about.show_in_menus = False
    about.save_revision().publish()
    nav = re.search(r'<nav class="site-nav".*?</nav>', client.get("/").content.decode(), re.S)
    assert 'href="/about/"' not in nav.group(0)


def test_story_index_lists_live_stories_and_paginates(client, seeded_site):
    index = StoryIndexPage.objects.get(locale__language_code="en")
    for n in range(13):
        publish_confirmed_story(
            index.add_child(instance=StoryPage(title=f"Story {n}", summary=f"Summary {n}", body=[]))
        )
    draft = index.add_child(
        instance=StoryPage(title="Draft story", summary="x", body=[], live=False)
    )
    first = visible_text(client.get("/stories/").content.decode())
    assert "Page 1 of 2" in first and draft.title not in first
    second = visible_text(client.get("/stories/?page=2").content.decode())
    assert "Page 2 of 2" in second
    assert client.get("/stories/?page=banana").status_code == 200


def test_the_404_page_is_in_the_sites_style(client, seeded_site):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "We can't find that page" in html and "site.css" in html


def test_the_500_page_renders_without_a_request_context():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html


@pytest.mark.parametrize(
    "model, allowed_parents",
    [
        (HomePage, {Page}),
        (StoryIndexPage, {HomePage}),
        (StoryPage, {StoryIndexPage}),
        (StandardPage, {HomePage, StandardPage}),
    ],
)
def test_the_tree_only_allows_sensible_parents(model, allowed_parents):
    assert set(model.allowed_parent_page_models()) == allowed_parents


def test_editors_cannot_create_pages_where_the_tree_forbids_them(seeded_site):
    editor = User.objects.create_user("editor", password="pw-editor-123456")
    editor.groups.add(Group.objects.get(name="Editors"))
    browser = Client()
    browser.force_login(editor)
    index = StoryIndexPage.objects.get(locale__language_code="en")
    story = StoryPage.objects.get(locale__language_code="en")

    forbidden = [
        ("pages", "storypage", seeded_site.pk),  # a story straight under home
        ("pages", "homepage", seeded_site.pk),  # a second home page
        ("pages", "storyindexpage", seeded_site.pk),  # max one story index
        ("pages", "standardpage", index.pk),  # a standard page among stories
        ("pages", "standardpage", story.pk),  # anything under a story
    ]
    for app, model, parent in forbidden:
        response = browser.get(f"/admin/pages/add/{app}/{model}/{parent}/")
        assert response.status_code in (302, 403), (model, parent, response.status_code)

    allowed = browser.get(f"/admin/pages/add/pages/storypage/{index.pk}/")
    assert allowed.status_code == 200
