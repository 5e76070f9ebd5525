"""Who may do what in the admin.

- Editors add and change pages anywhere, but cannot publish: what they write goes to the
  "Moderators approve" workflow (a group approval task for Moderators) on the root page.
- Moderators add, change, publish, lock and unlock pages, and approve or reject submissions.
- Both manage redirects (Settings → Redirects).

Wagtail's own first migrations already create a similar set-up; this makes it explicit and
idempotent, whatever state a database is in.
"""

from django.db import migrations

REDIRECT_PERMISSIONS = ["add_redirect", "change_redirect", "delete_redirect"]
MODERATOR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]
WORKFLOW_NAME = "Moderators approve"


def _permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    verb = codename.split("_", 1)[0]
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": f"Can {verb} {model}"}
    )
    return permission


def set_up_groups_and_workflow(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    ContentType = apps.get_model("contenttypes", "ContentType")

    editors, _ = Group.objects.get_or_create(name="Editors")
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    access_admin = _permission(apps, "wagtailadmin", "admin", "access_admin")
    for group in (editors, moderators):
        group.permissions.add(access_admin)
        for codename in REDIRECT_PERMISSIONS:
            group.permissions.add(_permission(apps, "wagtailredirects", "redirect", codename))

    root = Page.objects.filter(depth=1).first()
    if root is None:
        return

    GroupPagePermission.objects.filter(
        group=editors, page=root, permission__codename="publish_page"
    ).delete()
    for group, codenames in (
        (editors, EDITOR_PAGE_PERMISSIONS),
        (moderators, MODERATOR_PAGE_PERMISSIONS),
    ):
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root,
                permission=_permission(apps, "wagtailcore", "page", codename),
            )

    workflow_page = WorkflowPage.objects.filter(page=root).select_related("workflow").first()
    workflow = workflow_page.workflow if workflow_page else None
    if workflow is None:
        workflow = Workflow.objects.filter(name__in=[WORKFLOW_NAME, "Moderators approval"]).first()
    if workflow is None:
        workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    workflow.name = WORKFLOW_NAME
    workflow.active = True
    workflow.save()

    task = (
        GroupApprovalTask.objects.filter(groups=moderators, active=True)
        .filter(workflow_tasks__workflow=workflow)
        .first()
    )
    if task is None:
        task = GroupApprovalTask.objects.create(
            name="Moderators approval",
            active=True,
            content_type=ContentType.objects.get_or_create(
                app_label="wagtailcore", model="groupapprovaltask"
            )[0],
        )
        task.groups.add(moderators)
        WorkflowTask.objects.create(
            workflow=workflow, task=task, sort_order=workflow.workflow_tasks.count()
        )
    WorkflowPage.objects.update_or_create(page=root, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0002_story_confirmation"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(set_up_groups_and_workflow, migrations.RunPython.noop)]
