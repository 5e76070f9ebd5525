"""The editor's day: grouped blocks with previews, a preview for every page type, facts that
always carry their source and year, help text on every field, a moderation workflow, and
redirects staff can manage."""

from io import BytesIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image
from wagtail.blocks import StructBlockValidationError
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import GroupPagePermission, Page, Workflow
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from pages import blocks
from pages.images import SiteImage
from pages.models import HomePage, StandardPage, StoryIndexPage, StoryPage
from pages.settings import OrganisationSettings
from tests.conftest import visible_text

pytestmark = pytest.mark.django_db


def _browser(group):
    user = User.objects.create_user(group.lower(), password=f"pw-{group}-123456")
    user.groups.add(Group.objects.get(name=group))
    browser = Client()
    browser.force_login(user)
    return browser


@pytest.fixture
def editor(seeded_site):
    return _browser("Editors")


@pytest.fixture
def moderator(seeded_site):
    return _browser("Moderators")


@pytest.fixture
def uploaded_image(db):
    out = BytesIO()
    Image.new("RGB", (120, 80), "orange").save(out, "JPEG")
    return SiteImage.objects.create(
        title="Drawings",
        description="Crayon drawings pinned to a wall",
        file=SimpleUploadedFile("drawings.jpg", out.getvalue()),
        width=0,
        height=0,
    )


# Blocks


STREAM_CHILDREN = [
    (f"{type(stream).__name__}.{name}", child)
    for stream in (blocks.HomeSectionsBlock(), blocks.BodyBlock())
    for name, child in stream.child_blocks.items()
]


@pytest.mark.parametrize("name, block", STREAM_CHILDREN, ids=[n for n, _ in STREAM_CHILDREN])
def test_every_block_in_the_picker_is_grouped_and_its_preview_renders_like_the_site(
    editor, uploaded_image, name, block
):
    assert block.meta.group in (blocks.SECTIONS, blocks.CONTENT), name
    assert block.meta.description, name
    response = editor.get(reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix})
    assert response.status_code == 200, name
    html = response.content.decode()
    assert "/static/css/site.css" in html
    main = html[html.index("<main") : html.index("</main>")]
    assert len(visible_text(main)) > 3 or "<img" in main or "<picture" in main, name


def test_the_image_block_preview_shows_the_newest_image_with_its_alt_text(editor, uploaded_image):
    block = blocks.BodyBlock().child_blocks["image"]
    response = editor.get(reverse("wagtailadmin_block_preview"), {"id": block.definition_prefix})
    assert 'alt="Crayon drawings pinned to a wall"' in response.content.decode()


# Facts


def _fact(**changes):
    fact = {"figure": "750,000", "label": "predators online", "source": "FBI", "year": 2011}
    return fact | changes


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"source": ""}, "source", "Say who published this figure"),
        ({"source": "   "}, "source", "Say who published this figure"),
        ({"year": None}, "year", "Give the year of the figure"),
    ],
)
def test_a_fact_cannot_be_saved_without_its_source_and_year(changes, field, message):
    block = blocks.FactBlock()
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(block.to_python(_fact(**changes)))
    assert message in str(refused.value.block_errors[field])


def test_a_fact_missing_both_names_both():
    block = blocks.FactBlock()
    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(block.to_python(_fact(source="", year=None)))
    assert set(refused.value.block_errors) == {"source", "year"}


def test_a_complete_fact_is_accepted_and_shows_its_source_and_year(rf):
    block = blocks.FactBlock()
    value = block.clean(block.to_python(_fact()))
    html = block.render(value)
    assert "Source: FBI, 2011" in visible_text(html)


def _home_form_with_one_fact(fact):
    facts_section = {
        "kicker": "",
        "heading": "The facts",
        "text": rich_text(""),
        "facts": {
            "count": "1",
            "0": {"deleted": "", "order": "0", "id": "", "value": fact},
        },
    }
    return nested_form_data(
        {
            "title": "IJM Philippines",
            "slug": "home",
            "hero_heading": "Ending OSEC",
            "body": streamfield([("facts", facts_section)]),
            "action-publish": "action-publish",
        }
    )


def test_the_editor_explains_a_fact_without_source_and_keeps_the_page_as_it_was(
    moderator, seeded_site
):
    before = seeded_site.get_latest_revision().pk
    url = reverse("wagtailadmin_pages:edit", args=[seeded_site.pk])
    response = moderator.post(
        url,
        _home_form_with_one_fact({"figure": "1", "label": "x", "source": "", "year": ""}),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "could not be saved" in visible_text(html)
    # The StreamField editor draws block errors from this data, next to the fact's fields.
    assert "Say who published this figure" in html and "Give the year of the figure" in html
    assert HomePage.objects.get(locale__language_code="en").get_latest_revision().pk == before
    assert "Source: United Nations and United States FBI, 2011" in visible_text(
        Client().get("/").content.decode()
    )


# Page previews


@pytest.mark.parametrize(
    "model, title",
    [
        (HomePage, "IJM Philippines"),
        (StoryIndexPage, "Stories"),
        (StoryPage, "Aaron's Story"),
        (StandardPage, "About"),
    ],
)
def test_every_page_type_has_a_working_preview(moderator, model, title):
    page = model.objects.first()
    assert page.preview_modes
    response = moderator.get(reverse("wagtailadmin_pages:view_draft", args=[page.pk]))
    assert response.status_code == 200
    assert page.title in visible_text(response.content.decode())


def test_the_story_preview_shows_unsaved_edits(moderator, seeded_site):
    story = StoryPage.objects.get(locale__language_code="en")
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[story.pk])
    body = streamfield([("paragraph", rich_text("<p>A preview paragraph.</p>"))])
    data = nested_form_data(
        {
            "title": "Aaron's Story",
            "slug": "aarons-story",
            "summary": "Preview summary",
            "pseudonym_note": "*A pseudonym",
            "body": body,
        }
    )
    assert moderator.post(url, data).json()["is_valid"]
    text = visible_text(moderator.get(url).content.decode())
    assert "A preview paragraph." in text and "*A pseudonym" in text


# Help text


@pytest.mark.parametrize(
    "model", [HomePage, StandardPage, StoryIndexPage, StoryPage, OrganisationSettings]
)
def test_every_field_staff_edit_explains_itself(model):
    own_fields = [
        field
        for field in model._meta.get_fields(include_parents=False)
        if getattr(field, "editable", False)
        and not field.auto_created
        and field.concrete
        and field.name not in ("site",)
        and not field.name.endswith("_ptr")
    ]
    assert own_fields
    for field in own_fields:
        assert str(field.help_text).strip(), f"{model.__name__}.{field.name}"


# Groups and the moderation workflow


def test_editors_need_moderators_to_publish(seeded_site):
    root = Page.get_first_root_node()
    editors = GroupPagePermission.objects.filter(group__name="Editors", page=root)
    moderators = GroupPagePermission.objects.filter(group__name="Moderators", page=root)
    assert set(editors.values_list("permission__codename", flat=True)) == {
        "add_page",
        "change_page",
    }
    assert "publish_page" in moderators.values_list("permission__codename", flat=True)
    workflow = Workflow.objects.get(name="Moderators approve")
    assert workflow.active and root.get_workflow() == workflow
    (task,) = [task.specific for task in workflow.tasks]
    assert [group.name for group in task.groups.all()] == ["Moderators"]
    assert StoryPage.objects.get(locale__language_code="en").get_workflow() == workflow


def test_an_editors_publish_button_is_replaced_by_submit_for_moderation(editor, seeded_site):
    about = StandardPage.objects.get(locale__language_code="en", slug="about")
    html = editor.get(reverse("wagtailadmin_pages:edit", args=[about.pk])).content.decode()
    assert 'name="action-submit"' in html
    assert 'name="action-publish"' not in html


def test_editors_and_moderators_never_see_donations(editor, moderator):
    for browser in (editor, moderator):
        html = browser.get("/admin/").content.decode()
        assert "Donations" not in visible_text(html)


# Redirects


@pytest.mark.parametrize("browser_fixture", ["editor", "moderator"])
def test_staff_find_redirects_in_the_menu_and_a_redirect_they_create_works(
    request, browser_fixture, seeded_site
):
    browser = request.getfixturevalue(browser_fixture)
    assert reverse("wagtailredirects:index") in browser.get("/admin/").content.decode()
    story = StoryPage.objects.get(locale__language_code="en")
    response = browser.post(
        reverse("wagtailredirects:add"),
        {
            "old_path": "/aaron",
            "site": "",
            "is_permanent": "on",
            "redirect_page": story.pk,
            "redirect_link": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert Redirect.objects.filter(old_path="/aaron").exists()
    visitor = Client().get("/aaron")
    assert visitor.status_code == 301
    assert visitor["Location"].endswith("/stories/aarons-story/")
