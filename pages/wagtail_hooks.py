"""Admin hooks: story safeguards as clear messages in the places editors publish from, the
editors' dashboard shortcuts, and add-buttons that say what they add."""

from django.contrib import messages
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext
from wagtail import hooks
from wagtail.models import Page

from pages.admin_panels import EditorShortcutsPanel
from pages.document_streaming import ORDER_AFTER_PRIVACY_CHECKS, stream_document_from_bucket
from pages.safeguarding import describe_missing, missing_confirmations
from pages.story_content_lock import describe_refusal, models_a_story_can_use, stories_showing

hooks.register(
    "before_serve_document", stream_document_from_bucket, order=ORDER_AFTER_PRIVACY_CHECKS
)


def _story_class():
    from pages.models import StoryPage

    return StoryPage


@hooks.register("before_publish_page")
def refuse_unconfirmed_story(request, page):
    """The editor's publish (or schedule) button: the revision just saved must be confirmed.

    The form already asks for both ticks; this is the last check before Wagtail's publish action,
    which the edit view runs directly and which would otherwise schedule an unconfirmed version.
    """
    page = page.specific
    if not isinstance(page, _story_class()):
        return None
    missing = missing_confirmations(page.get_latest_revision())
    if not missing:
        return None
    messages.error(
        request,
        gettext(
            "“%(title)s” was saved as a draft but not published: confirm %(what)s under "
            "“Safeguarding”, then publish again."
        )
        % {"title": page.title, "what": describe_missing(missing)},
    )
    return redirect("wagtailadmin_pages:edit", page.pk)


@hooks.register("before_bulk_action")
def refuse_bulk_publishing_unconfirmed_stories(request, action_type, objects, action):
    """Bulk publish publishes each page's latest revision: refuse the batch if a story's isn't
    confirmed, and say which stories need attention."""
    if action_type != "publish" or not objects or not isinstance(objects[0], Page):
        return None
    pages = list(objects)
    if action.cleaned_form.cleaned_data.get("include_descendants"):
        for page in objects:
            pages += list(page.get_descendants().not_live())
    story_ids = [page.pk for page in pages]
    stories = _story_class().objects.filter(pk__in=story_ids).select_related("latest_revision")
    unconfirmed = [story for story in stories if missing_confirmations(story.latest_revision)]
    if not unconfirmed:
        return None
    titles = ", ".join(f"“{story.title}”" for story in unconfirmed)
    messages.error(
        request,
        gettext(
            "Nothing was published. No editor has confirmed consent and the absence of "
            "identifying detail for the latest version of %(titles)s. Open each story, tick both "
            "confirmations under “Safeguarding” and publish it from its editor."
        )
        % {"titles": titles},
    )
    return redirect(action.next_url)


@hooks.register("before_bulk_action")
def refuse_bulk_deleting_what_live_stories_show(request, action_type, objects, action):
    """Bulk delete of images, documents or snippets: refuse the whole batch, before anything is
    deleted, when a live or scheduled story shows one of them, and name each one and its stories.
    (The pre_delete check refuses it anyway; this keeps the person on the listing they came from.)
    """
    if action_type != "delete" or not objects or type(objects[0]) not in models_a_story_can_use():
        return None
    refusals = [(obj, stories_showing(obj)) for obj in objects]
    refusals = [(obj, stories) for obj, stories in refusals if stories]
    if not refusals:
        return None
    for obj, stories in refusals:
        messages.error(request, describe_refusal(obj, stories, deleting=True))
    return redirect(action.next_url)


@hooks.register("construct_homepage_panels")
def add_editor_shortcuts(request, panels):
    panel = EditorShortcutsPanel.for_user(request.user)
    if panel is not None:
        panels.insert(0, panel)


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))


@hooks.register("insert_editor_js")
def list_add_button_labels():
    return format_html('<script src="{}"></script>', static("js/admin_list_labels.js"))
