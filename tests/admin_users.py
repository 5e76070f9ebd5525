"""Staff members signed in to the admin, for tests that go through its real views."""

from django.contrib.auth.models import Group, User
from django.test import Client


def signed_in(username: str, group: str) -> Client:
    """A browser signed in as a new member of one of the groups the migrations create."""
    user = User.objects.create_user(username, password=f"pw-{username}-123456")
    user.groups.add(Group.objects.get(name=group))
    browser = Client()
    browser.force_login(user)
    return browser
