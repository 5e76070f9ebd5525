"""Wagtail's `publish_scheduled`, made to skip (not crash on) stories nobody confirmed.

The story safeguards stop an unconfirmed story from being scheduled in the first place; this is
the belt to those braces. A scheduled story version without both confirmations is taken off the
schedule with a clear message, and every other scheduled page is still published.
"""

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.management.commands.publish_scheduled import Command as WagtailCommand
from wagtail.models import Revision

from pages.models import StoryPage
from pages.safeguarding import describe_missing, missing_confirmations


class Command(WagtailCommand):
    help = "Publish scheduled pages and unpublish expired ones; never an unconfirmed story."

    def handle(self, *args, **options):
        due = Revision.objects.filter(
            approved_go_live_at__lt=timezone.now(),
            content_type=ContentType.objects.get_for_model(StoryPage),
        ).select_related("story_confirmation")
        for revision in due:
            missing = missing_confirmations(revision)
            if not missing:
                continue
            what = describe_missing(missing)
            self.stderr.write(
                f"Not published: “{revision.object_str}” (revision {revision.pk}): no editor "
                f"confirmed {what}. It has been taken off the schedule."
            )
            if not options.get("dryrun"):
                revision.approved_go_live_at = None
                revision.save(update_fields=["approved_go_live_at"])
        return super().handle(*args, **options)
