"""The admin's view of the durable queue, for Finance and superusers only.

Emails to donors carry their data, so the list follows the gifts' rule: Finance (and superusers)
see it; Editors and Moderators never do. Viewing needs django-tasks-db's "view" permission,
retrying a failed task its "change" permission (both given to Finance by a migration); nobody
adds, edits or deletes task rows by hand.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django_tasks_db.models import DBTaskResult
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from ijm_site.taskqueue import records


class TaskPermissionPolicy(ModelPermissionPolicy):
    """ "view" to see the list, "retry" (the model's change permission) to queue a failed task
    again; add, change and delete for nobody."""

    def user_has_permission(self, user, action):
        if action == "retry":
            return super().user_has_permission(user, "change")
        if action in {"add", "change", "delete"}:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)


task_permission_policy = TaskPermissionPolicy(DBTaskResult)


class RetryColumn(Column):
    cell_template_name = "taskqueue/retry_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        user = parent_context["request"].user
        context["can_retry"] = instance.status == records.FAILED and (
            task_permission_policy.user_has_permission(user, "retry")
        )
        return context


class TaskViewSet(ModelViewSet):
    """Tasks of the durable queue that are waiting, retrying, running or failed."""

    model = DBTaskResult
    permission_policy = task_permission_policy
    icon = "cogs"
    menu_label = _("Background tasks")
    menu_name = "background-tasks"
    name = "background-tasks"
    menu_order = 260
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    exclude_form_fields: list[str] = []  # required by ModelViewSet; its forms refuse everyone
    list_per_page = 50
    list_filter = ["status"]
    list_display = [
        Column("what", label=_("What"), accessor=records.describe),
        Column("status", label=_("Status"), accessor=records.status_label, sort_key="status"),
        Column("attempts", label=_("Attempts"), accessor=records.attempts),
        DateColumn("enqueued_at", label=_("Queued"), sort_key="enqueued_at"),
        DateColumn("next_attempt", label=_("Next attempt"), accessor=records.next_attempt),
        Column("last_error", label=_("Last error"), accessor=records.last_error),
        RetryColumn("retry", label=""),
    ]

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=records.open_tasks(), **kwargs)

    def get_urlpatterns(self):
        return [*super().get_urlpatterns(), path("retry/<uuid:pk>/", self.retry_view, name="retry")]

    def retry_view(self, request, pk):
        return require_POST(_retry)(request, pk, self.get_url_name("index"))


def _retry(request, pk, index_url_name):
    if not task_permission_policy.user_has_permission(request.user, "retry"):
        raise PermissionDenied
    if records.retry_failed_task(pk):
        messages.success(request, gettext("The task is queued again; the worker runs it now."))
    else:
        messages.error(request, gettext("That task had not failed, so it was left as it is."))
    return redirect(index_url_name)


class TaskCountsPanel(Component):
    """On the admin home, beside the gift totals: how many emails wait or failed."""

    name = "background_tasks"
    template_name = "taskqueue/task_counts_panel.html"
    order = 91

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["counts"] = records.counts()
        return context
