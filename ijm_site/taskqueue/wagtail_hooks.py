from django_tasks_db.models import DBTaskResult
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from ijm_site.taskqueue.admin_views import TaskCountsPanel, TaskViewSet, task_permission_policy

register_permission_policy(DBTaskResult, task_permission_policy)


@hooks.register("register_admin_viewset")
def register_task_viewset():
    return TaskViewSet()


@hooks.register("construct_homepage_panels")
def add_task_counts_panel(request, panels):
    if task_permission_policy.user_has_permission(request.user, "view"):
        panels.append(TaskCountsPanel())
