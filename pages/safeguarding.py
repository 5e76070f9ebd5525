"""Story safeguards: no survivor's story goes live unless an editor vouched for that very version.

A confirmation is a `StoryConfirmation` row attached to one `Revision` of a `StoryPage`: who
confirmed, when, and the two things they confirmed (the survivor's consent is on file; the story
holds no identifying detail). Any later edit makes a new revision, which has no confirmation, so
a confirmation can never carry over to content nobody has checked. Overwriting a revision in
place (Wagtail's autosave) drops its confirmation for the same reason.

Enforcement sits where publishing happens, so every path meets it:

- ``StoryPage.publish()`` (behind ``revision.publish()``: the create view, bulk publish,
  workflow approval, ``publish_scheduled`` and any code) refuses an unconfirmed revision;
- ``StoryPage.save()`` refuses to store a live story whose live revision is unconfirmed, which
  also catches Wagtail's edit view and admin API (they run the publish action directly); new
  stories, copies and aliases always start as drafts;
- a ``pre_save`` check on ``Revision`` refuses to schedule an unconfirmed story version, whoever
  asks, and ``manage.py publish_scheduled`` skips one with a message;
- the editor's form asks for both ticks whenever the person publishes, schedules, submits for
  approval or approves, with field errors saying what is missing;
- admin hooks and `SafeguardingMiddleware` turn a refusal into a message instead of an error page.
"""

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_lazy
from wagtail.admin.forms import WagtailAdminPageForm

CONSENT_LABEL = gettext_lazy("Consent is on file")
CONSENT_HELP = gettext_lazy(
    "Tick to confirm the survivor's (or their guardian's) consent to share this story is on file."
)
ANONYMITY_LABEL = gettext_lazy("No identifying detail")
ANONYMITY_HELP = gettext_lazy(
    "Tick to confirm the story holds no real name, school, street or face, in the text or in "
    "any photo."
)
CONFIRMATION_HELP = gettext_lazy(
    "Tick both each time you publish, schedule, submit for approval or approve a story. "
    "A confirmation covers only the version saved with it: any later change needs a fresh one. "
    "Wagtail records who confirmed and when."
)
WHAT_IS_MISSING = {
    "consent_on_file": gettext_lazy("that the survivor's consent is on file"),
    "no_identifying_detail": gettext_lazy(
        "that the story holds no identifying detail (no real name, school, street or face)"
    ),
}


def describe_missing(missing: list[str]) -> str:
    """The unconfirmed points in words, for the messages that say what to tick."""
    if len(missing) == 2:
        first, second = (WHAT_IS_MISSING[field] for field in missing)
        return gettext("%(first)s and %(second)s") % {"first": first, "second": second}
    return ", ".join(str(WHAT_IS_MISSING[field]) for field in missing)


class StoryConfirmation(models.Model):
    """An editor's word, for one revision of a story, that it is safe to publish."""

    revision = models.OneToOneField(
        "wagtailcore.Revision", on_delete=models.CASCADE, related_name="story_confirmation"
    )
    consent_on_file = models.BooleanField(CONSENT_LABEL, default=False, help_text=CONSENT_HELP)
    no_identifying_detail = models.BooleanField(
        ANONYMITY_LABEL, default=False, help_text=ANONYMITY_HELP
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=gettext_lazy("Empty when the site confirmed it itself (the seed content)."),
    )
    confirmed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = gettext_lazy("story safeguarding confirmation")

    def __str__(self):
        who = self.confirmed_by or "the site"
        return f"{self.revision} confirmed by {who} at {self.confirmed_at:%Y-%m-%d %H:%M}"

    @property
    def missing(self) -> list[str]:
        return [field for field in WHAT_IS_MISSING if not getattr(self, field)]


class StoryNotConfirmedError(Exception):
    """Raised when a story version without both confirmations is about to be published.

    Not a PermissionDenied: Wagtail's admin would swap its message for a generic "Sorry, you do
    not have permission"; `SafeguardingMiddleware` shows this one instead.
    """

    def __init__(self, page, missing: list[str]):
        self.page_id = page.pk
        self.missing = missing
        title = getattr(page, "title", None) or gettext("This story")
        super().__init__(
            gettext(
                "“%(title)s” was not published: for this version, no editor has confirmed "
                "%(what)s. Open the story, tick both confirmations under “Safeguarding” and "
                "publish again."
            )
            % {"title": title, "what": describe_missing(missing)}
        )


def missing_confirmations(revision) -> list[str]:
    """What is still unconfirmed for this revision (empty when it may be published)."""
    if revision is None or revision.pk is None:
        return list(WHAT_IS_MISSING)
    # Read afresh: a cached confirmation may belong to content since overwritten.
    confirmation = StoryConfirmation.objects.filter(revision_id=revision.pk).first()
    return confirmation.missing if confirmation else list(WHAT_IS_MISSING)


def ensure_publishable(page, revision) -> None:
    missing = missing_confirmations(revision)
    if missing:
        raise StoryNotConfirmedError(page, missing)


def confirm_revision(
    revision, user=None, *, consent_on_file=True, no_identifying_detail=True
) -> StoryConfirmation:
    """Record (or replace) the confirmation of one revision."""
    StoryConfirmation.objects.filter(revision=revision).delete()
    return StoryConfirmation.objects.create(
        revision=revision,
        consent_on_file=consent_on_file,
        no_identifying_detail=no_identifying_detail,
        confirmed_by=user if user is not None and user.is_authenticated else None,
    )


# What the person asked for, said the way an editor would: (to …, was not …).
SAFEGUARDING_ACTIONS = {
    "publish": (
        gettext_lazy("publish or schedule the story"),
        gettext_lazy("published or scheduled"),
    ),
    "submit": (
        gettext_lazy("submit the story for approval"),
        gettext_lazy("submitted for approval"),
    ),
    "approve": (gettext_lazy("approve the story"), gettext_lazy("approved")),
}


class StoryPageForm(WagtailAdminPageForm):
    """The story editor's form: two confirmations, never ticked in advance."""

    confirm_consent_on_file = forms.BooleanField(
        required=False, label=CONSENT_LABEL, help_text=CONSENT_HELP
    )
    confirm_no_identifying_detail = forms.BooleanField(
        required=False, label=ANONYMITY_LABEL, help_text=ANONYMITY_HELP
    )

    CONFIRMATION_FIELDS = {
        "consent_on_file": "confirm_consent_on_file",
        "no_identifying_detail": "confirm_no_identifying_detail",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.CONFIRMATION_FIELDS.values():
            self.initial[name] = False
            self.fields[name].initial = False

    @property
    def requested_action(self) -> str:
        """What the person asked for: 'publish', 'submit', 'approve' or 'save'."""
        data = self.data
        if data.get("action-publish"):
            return "publish"
        if data.get("action-submit") or data.get("action-restart-workflow"):
            return "submit"
        if data.get("action-workflow-action") and data.get("workflow-action-name") == "approve":
            return "approve"
        return "save"

    def _latest_revision_is_confirmed_and_unchanged(self) -> bool:
        """A moderator approving without edits approves the version the editor confirmed."""
        if self.instance.pk is None:
            return False
        edited = set(self.changed_data) - set(self.CONFIRMATION_FIELDS.values())
        edited.discard("comment_notifications")
        if edited or any(formset.has_changed() for formset in self.formsets.values()):
            return False
        return not missing_confirmations(self.instance.get_latest_revision())

    def clean(self):
        cleaned_data = super().clean()
        action = self.requested_action
        if action == "save":
            return cleaned_data
        if action == "approve" and self._latest_revision_is_confirmed_and_unchanged():
            return cleaned_data
        missing = [
            field
            for field, form_field in self.CONFIRMATION_FIELDS.items()
            if not cleaned_data.get(form_field)
        ]
        doing, done = SAFEGUARDING_ACTIONS[action]
        for field in missing:
            self.add_error(
                self.CONFIRMATION_FIELDS[field],
                gettext("Tick this to %(doing)s: confirm %(what)s.")
                % {"doing": doing, "what": WHAT_IS_MISSING[field]},
            )
        if missing:
            if self.instance.pk is None:
                state = gettext(
                    "Nothing was saved yet: the new story is still in the form below. Tick both "
                    "and try again, or save it as a draft."
                )
            else:
                state = gettext(
                    "Nothing was %(done)s; the last saved draft is unchanged and your changes "
                    "are still in the form below."
                ) % {"done": done}
            self.add_error(
                None,
                gettext(
                    "This story can't be %(done)s until both safeguarding confirmations under "
                    "“Safeguarding” are ticked."
                )
                % {"done": done}
                + " "
                + state,
            )
        return cleaned_data

    def save(self, commit=True):
        page = super().save(commit=commit)
        if self.requested_action != "save":
            page.pending_story_confirmation = {
                field: bool(self.cleaned_data.get(form_field))
                for field, form_field in self.CONFIRMATION_FIELDS.items()
            } | {"user": self.for_user}
        return page


@receiver(pre_save, sender="wagtailcore.Revision")
def refuse_to_schedule_an_unconfirmed_story(sender, instance, update_fields=None, **kwargs):
    """Scheduling writes `approved_go_live_at` on the revision: the deepest point every path
    to a scheduled publication shares."""
    if instance.approved_go_live_at is None or instance.pk is None:
        return
    if update_fields is not None and "approved_go_live_at" not in update_fields:
        return
    story_type = ContentType.objects.get_for_model(apps.get_model("pages", "StoryPage"))
    if instance.content_type_id != story_type.pk:
        return
    missing = missing_confirmations(instance)
    if missing:
        raise StoryNotConfirmedError(instance.content_object, missing)


def _edit_url(page_id) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page_id])


class SafeguardingMiddleware:
    """Turns a refused story publication in the admin into a message on the story's edit page.

    Refusals raised deep inside Wagtail (a moderator approving from the dashboard, a bulk action,
    copying a live story) would otherwise end in a bare "403 Forbidden".
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from pages.story_content_lock import StoryContentInUseError

        if isinstance(exception, StoryContentInUseError):
            return self._refused_change_to_story_content(request, exception)
        if not isinstance(exception, StoryNotConfirmedError):
            return None
        if "/api/" in request.path:
            return JsonResponse({"message": str(exception)}, status=400)
        messages.error(request, str(exception))
        url = _edit_url(exception.page_id) if exception.page_id else reverse("wagtailadmin_home")
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # Wagtail's modal dialogs (e.g. approving from the dashboard) follow this redirect.
            return JsonResponse({"step": "success", "redirect": url})
        return redirect(url)

    def _refused_change_to_story_content(self, request, exception):
        """Back to where the person was (the image or document they tried to change or delete),
        with the message naming the stories."""
        message = str(exception)
        if "/api/" in request.path or request.headers.get("x-requested-with") == "XMLHttpRequest":
            return JsonResponse({"success": False, "message": message}, status=409)
        messages.error(request, message)
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("wagtailadmin_home")
        return redirect(back)
