"""What editors see in the admin beyond the fields: who confirmed a story, and their shortcuts."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel
from wagtail.admin.ui.components import Component

from pages.safeguarding import StoryConfirmation


class StoryConfirmationPanel(Panel):
    """Read-only: who confirmed the live version and the latest version of a story, and when."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "pages/admin/story_confirmation_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            page = self.instance
            rows = []
            if page.pk is not None:
                latest = page.get_latest_revision()
                live_id = page.live_revision_id if page.live else None
                seen = set()
                for label, revision_id in (
                    (_("Published version"), live_id),
                    (_("Latest version"), latest.pk if latest else None),
                ):
                    if revision_id is None or revision_id in seen:
                        continue
                    seen.add(revision_id)
                    confirmation = (
                        StoryConfirmation.objects.filter(revision_id=revision_id)
                        .select_related("confirmed_by")
                        .first()
                    )
                    rows.append({"label": label, "confirmation": confirmation})
            context["rows"] = rows
            return context


def _in_group(user, *names) -> bool:
    return user.is_superuser or user.groups.filter(name__in=names).exists()


class EditorShortcutsPanel(Component):
    """The dashboard's first panel for Editors and Moderators: what they come to do."""

    name = "editor_shortcuts"
    order = 50
    template_name = "pages/admin/editor_shortcuts.html"

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        from pages.localised import find_in_default_language
        from pages.models import HomePage, StoryIndexPage

        shortcuts = []
        index = find_in_default_language(StoryIndexPage)
        if index is not None:
            shortcuts.append(
                (
                    _("Add a story"),
                    reverse("wagtailadmin_pages:add", args=["pages", "storypage", index.pk]),
                )
            )
        home = find_in_default_language(HomePage)
        if home is not None:
            shortcuts.append(
                (_("Edit the home page"), reverse("wagtailadmin_pages:edit", args=[home.pk]))
            )
        if self.user.has_perm("pages.change_organisationsettings"):
            shortcuts.append(
                (
                    _("Edit organisation details"),
                    reverse("wagtailsettings:edit", args=["pages", "organisationsettings"]),
                )
            )
        return {"shortcuts": shortcuts}

    @classmethod
    def for_user(cls, user):
        return cls(user) if _in_group(user, "Editors", "Moderators") else None
