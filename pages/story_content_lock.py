"""What a live or scheduled story shows changes only through a new, confirmed revision of it.

A story's confirmation (pages/safeguarding.py) vouches for one revision, but a revision points at
images, documents and snippets that live outside it: replace the photo or its description in the
image library and the public story changes at once, with nobody having confirmed the new
picture or the new alt text. So while a story is live or scheduled, anything its live or
scheduled revision uses is locked: a change to any field an editor can set (its file, title,
description, focal point...) or its deletion is refused, and the message says which stories use
it and how to go on (edit the story, choose or upload another image there, confirm it again).

- Usage is read from the revisions themselves (``revision.as_object()`` and the extraction
  Wagtail's reference index uses: foreign keys, StreamField blocks, rich text). The reference
  index itself is not enough: it does not cover revisions, so a scheduled version would be
  missed, and it is rebuilt by a background task after each save, so on a real task queue it
  lags behind a publish.
- The lock is a ``pre_save``/``pre_delete`` check on every model a story can point at (its own
  foreign keys, every chooser block in its StreamFields, and the image and document models that
  rich text can embed), so every path meets it: the admin's edit, replace-file and delete views,
  bulk delete, the multiple uploader, snippets, code. A snippet chooser added to a story's blocks
  later is covered without a change here.
- The image and document forms ask first (``StoryContentFormMixin``), so the editor keeps what
  they typed and reads the message above the form; ``SafeguardingMiddleware`` turns a refusal
  raised anywhere else into a message.
- Site-wide parts (organisation details, the default sharing image) are not a story's content:
  they are only locked where a story's revision itself uses the same image.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import blocks
from wagtail.fields import StreamField
from wagtail.models import Page, ReferenceIndex, Revision

# Editable fields that never reach the public page: moving an image between collections changes
# who may edit it, not what a story shows.
NOT_SHOWN_FIELDS = frozenset({"collection"})
# Not editable, but a new file's content shows in it even when the storage reuses the file's name.
CONTENT_FINGERPRINT_FIELDS = frozenset({"file_hash"})

_rewrites_allowed: ContextVar[bool] = ContextVar("story_content_rewrites_allowed", default=False)


class StoryContentInUseError(Exception):
    """Raised when something a live or scheduled story shows would change or disappear.

    Like ``StoryNotConfirmedError``, not a PermissionDenied, so the admin shows this message
    rather than a generic refusal.
    """

    def __init__(self, obj, stories, *, deleting: bool):
        self.obj = obj
        self.stories = list(stories)
        self.deleting = deleting
        super().__init__(describe_refusal(obj, self.stories, deleting=deleting))


def describe_refusal(obj, stories, *, deleting: bool) -> str:
    titles = ", ".join(f"“{story.title}”" for story in stories)
    what = f"“{obj}”"
    if deleting:
        refused = ngettext(
            "%(what)s was not deleted: the story %(titles)s shows it and is live or scheduled.",
            "%(what)s was not deleted: the stories %(titles)s show it and are live or scheduled.",
            len(stories),
        )
        way_forward = _(
            "Open the story, remove it or choose another there, confirm the story's safeguarding "
            "again and publish; then it can be deleted."
        )
    else:
        refused = ngettext(
            "%(what)s was not changed: the story %(titles)s shows it and is live or scheduled, "
            "and a change here would reach the public without a new safeguarding confirmation.",
            "%(what)s was not changed: the stories %(titles)s show it and are live or scheduled, "
            "and a change here would reach the public without a new safeguarding confirmation.",
            len(stories),
        )
        way_forward = _(
            "To change what a story shows, edit the story: upload or choose another one there, "
            "confirm both safeguarding ticks again and publish."
        )
    return f"{refused % {'what': what, 'titles': titles}} {way_forward}"


@contextmanager
def rewrites_without_visible_change():
    """For maintenance that rewrites a file without changing what it shows (stripping metadata
    from an original: same pixels, same alt text). Nothing an editor does goes through here."""
    token = _rewrites_allowed.set(True)
    try:
        yield
    finally:
        _rewrites_allowed.reset(token)


def _story_model():
    return apps.get_model("pages", "StoryPage")


def _revisions_in_force():
    """The live revision of every live story and every revision scheduled to go live."""
    story_model = _story_model()
    live = story_model.objects.live().exclude(live_revision=None).values("live_revision_id")
    scheduled = Q(
        content_type=ContentType.objects.get_for_model(story_model),
        approved_go_live_at__isnull=False,
    )
    return Revision.objects.filter(Q(pk__in=live) | scheduled)


def stories_showing(obj) -> list:
    """The live or scheduled stories whose confirmed content uses `obj`, in title order."""
    if obj.pk is None:
        return []
    target = (ReferenceIndex._get_base_content_type(obj).pk, str(obj.pk))
    stories = {}
    for revision in _revisions_in_force():
        story = revision.as_object()
        references = ReferenceIndex._extract_references_from_object(story)
        if any((reference[0], reference[1]) == target for reference in references):
            stories[story.pk] = story
    return sorted(stories.values(), key=lambda story: story.title)


def shown_fields(model) -> list[str]:
    """The fields of `model` that an editor sets and a page may render."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if (field.editable and not field.primary_key and field.name not in NOT_SHOWN_FIELDS)
        or field.name in CONTENT_FINGERPRINT_FIELDS
    ]


def _stored_value(field, instance):
    value = field.value_from_object(instance)
    return getattr(value, "name", value)  # a file is its name in storage


def changed_shown_fields(instance) -> list[str]:
    """Which shown fields of a stored object this save would change."""
    names = shown_fields(type(instance))
    before = type(instance)._base_manager.filter(pk=instance.pk).values(*names).first()
    if before is None:
        return []
    return [
        name
        for name in names
        if _stored_value(instance._meta.get_field(name), instance) != before[name]
    ]


def ensure_no_story_shows(obj, *, deleting: bool) -> None:
    stories = stories_showing(obj)
    if stories:
        raise StoryContentInUseError(obj, stories, deleting=deleting)


def _refuse_changing_what_a_story_shows(sender, instance, raw=False, **kwargs):
    if raw or instance._state.adding or instance.pk is None or _rewrites_allowed.get():
        return
    update_fields = kwargs.get("update_fields")
    changed = changed_shown_fields(instance)
    if update_fields is not None:
        changed = [name for name in changed if name in update_fields]
    if changed:
        ensure_no_story_shows(instance, deleting=False)


def _refuse_deleting_what_a_story_shows(sender, instance, **kwargs):
    ensure_no_story_shows(instance, deleting=True)


def _chooser_targets(block) -> set:
    found = set()
    target = getattr(block, "target_model", None)
    if isinstance(target, type):
        found.add(target)
    for child in getattr(block, "child_blocks", {}).values():
        found |= _chooser_targets(child)
    if isinstance(block, blocks.ListBlock):
        found |= _chooser_targets(block.child_block)
    return found


@cache
def models_a_story_can_use() -> frozenset:
    """Every model a story's own content can point at, pages excepted (a page has its own
    publishing and, for stories, its own confirmation)."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    story_model = _story_model()
    found = {get_image_model(), get_document_model()}  # rich text can embed or link either
    for field in story_model._meta.get_fields():
        if field.model is not story_model:
            continue  # Page's own bookkeeping: owner, locale, revisions...
        if field.is_relation and field.many_to_one and field.related_model:
            found.add(field.related_model)
        if isinstance(field, StreamField):
            found |= _chooser_targets(field.stream_block)
    return frozenset(model for model in found if not issubclass(model, Page))


def connect_signals() -> None:
    for model in models_a_story_can_use():
        uid = f"story_content_lock.{model._meta.label_lower}"
        pre_save.connect(_refuse_changing_what_a_story_shows, sender=model, dispatch_uid=uid)
        pre_delete.connect(_refuse_deleting_what_a_story_shows, sender=model, dispatch_uid=uid)


class StoryContentFormMixin:
    """For the image and document forms: refuse, before anything is saved, a change to what a
    live or scheduled story shows, with the message on the form and what the editor typed kept.
    The pre_save check above stays the rule; this only makes it readable."""

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is None:
            return cleaned_data
        shown = set(shown_fields(type(self.instance)))
        if shown & set(self.changed_data):
            stories = stories_showing(self.instance)
            if stories:
                self.add_error(None, describe_refusal(self.instance, stories, deleting=False))
        return cleaned_data
