"""Who sees the durable queue in the admin: superusers and Finance, never Editors or Moderators."""

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ijm_site.taskqueue import BACKEND

pytestmark = pytest.mark.django_db

LISTING = "/admin/background-tasks/"


@pytest.fixture
def failed_task(db):
    return DBTaskResult.objects.create(
        task_path="donations.tasks.send_receipt", args_kwargs={"args": [41], "kwargs": {}},
        backend_name=BACKEND, queue_name="email", status="FAILED", worker_ids=["w1", "w2"],
        exception_class_path="smtplib.SMTPRecipientsRefused", run_after=timezone.now(),
        traceback="smtplib.SMTPRecipientsRefused: {'ana@example.com': (550, b'No such user')}",
    )  # fmt: skip


@pytest.fixture
def waiting_task(db):
    return DBTaskResult.objects.create(
        task_path="donations.tasks.send_receipt", args_kwargs={"args": [42], "kwargs": {}},
        backend_name=BACKEND, queue_name="email", status="READY", run_after=timezone.now(),
    )  # fmt: skip


def login(client, django_user_model, group=None, **extra):
    user = django_user_model.objects.create_user(
        username=f"user-{group or 'admin'}", password="x-secret-password-1", **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


@pytest.mark.parametrize("group", ["Finance", None])
def test_finance_and_superusers_see_waiting_and_failed_tasks_and_their_count(
    client, django_user_model, failed_task, waiting_task, group
):
    login(client, django_user_model, group, is_superuser=group is None)
    listing = client.get(LISTING)
    assert listing.status_code == 200
    assert "Receipt for gift #41" in listing.text and "Receipt for gift #42" in listing.text
    assert "No such user" in listing.text and "Retry" in listing.text
    home = client.get("/admin/")
    assert "Waiting or being retried: 1. Failed: 1." in home.text
    assert LISTING in home.text


def test_the_portals_tasks_are_named_for_finance(client, django_user_model):
    for path, args in [
        ("donor_portal.tasks.send_sign_in_link", ["ana@example.com", "fil"]),
        ("donor_portal.tasks.send_giving_statement", [7]),
    ]:
        DBTaskResult.objects.create(
            task_path=path, args_kwargs={"args": args, "kwargs": {}}, backend_name=BACKEND,
            queue_name="email", status="FAILED", run_after=timezone.now(),
        )  # fmt: skip
    login(client, django_user_model, "Finance")
    listing = client.get(LISTING).text
    assert "Sign-in link: ana@example.com" in listing
    assert "Giving statement #7" in listing
    assert "send_sign_in_link" not in listing and "send_giving_statement" not in listing


def test_a_finished_task_is_not_listed(client, django_user_model, failed_task):
    failed_task.status = "SUCCESSFUL"
    failed_task.save()
    login(client, django_user_model, "Finance")
    assert "Receipt for gift #41" not in client.get(LISTING).text


def test_finance_retries_a_failed_task(client, django_user_model, failed_task):
    login(client, django_user_model, "Finance")
    response = client.post(f"{LISTING}retry/{failed_task.pk}/", follow=True)
    assert "queued again" in response.text
    failed_task.refresh_from_db()
    assert failed_task.status == "READY" and failed_task.run_after <= timezone.now()
    assert client.get(f"{LISTING}retry/{failed_task.pk}/").status_code == 405  # POST only


def test_a_task_that_has_not_failed_is_left_alone(client, django_user_model, waiting_task):
    login(client, django_user_model, "Finance")
    response = client.post(f"{LISTING}retry/{waiting_task.pk}/", follow=True)
    assert "had not failed" in response.text


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_editors_and_moderators_never_see_or_retry_tasks(
    client, django_user_model, failed_task, group
):
    login(client, django_user_model, group)
    assert client.get(LISTING).status_code in (302, 403)
    home = client.get("/admin/")
    assert home.status_code == 200
    assert "Waiting or being retried" not in home.text and LISTING not in home.text
    assert client.post(f"{LISTING}retry/{failed_task.pk}/").status_code in (302, 403)
    failed_task.refresh_from_db()
    assert failed_task.status == "FAILED"


def test_no_one_adds_edits_or_deletes_task_rows(client, django_user_model, failed_task):
    login(client, django_user_model, is_superuser=True)
    for url in (
        f"{LISTING}new/",
        f"{LISTING}edit/{failed_task.pk}/",
        f"{LISTING}delete/{failed_task.pk}/",
    ):
        assert client.get(url).status_code in (302, 403, 404)
