"""Sitemap, robots.txt, internal links, the admin login, the local admin and secure settings."""

import os
import re
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


def test_sitemap_lists_every_live_page(client, seeded_site):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    for path in ("/", "/stories/", "/stories/aarons-story/", "/about/"):
        assert f"<loc>http://localhost{path}</loc>" in xml


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    body = response.content.decode()
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body


def test_every_internal_link_answers_200(client, seeded_site):
    seen, queue = set(), ["/"]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        if "text/html" in response["Content-Type"]:
            for href in re.findall(r'href="(/[^"#?]*)', response.content.decode()):
                if not href.startswith(("/admin/", "/static/", "/media/")):
                    queue.append(href)
    assert {"/", "/stories/", "/stories/aarons-story/", "/about/"} <= seen


def test_the_admin_login_page_answers(client, db):
    assert client.get("/admin/login/").status_code == 200


def test_local_admin_is_created_once_with_a_fresh_password(settings, capsys):
    from django.contrib.auth.models import User

    settings.DEBUG = True
    call_command("ensure_local_admin")
    first = capsys.readouterr().out
    password = re.search(r"password: (\S+)", first).group(1)
    user = User.objects.get(username="admin")
    assert user.is_superuser and user.check_password(password) and len(password) >= 16
    call_command("ensure_local_admin")
    assert capsys.readouterr().out == ""
    assert User.objects.count() == 1


def test_two_local_admins_get_different_passwords(settings, capsys):
    from django.contrib.auth.models import User

    settings.DEBUG = True
    call_command("ensure_local_admin")
    first = re.search(r"password: (\S+)", capsys.readouterr().out).group(1)
    User.objects.all().delete()
    call_command("ensure_local_admin")
    second = re.search(r"password: (\S+)", capsys.readouterr().out).group(1)
    assert first != second


def test_local_admin_is_refused_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("ensure_local_admin")


def _settings_in_subprocess(env: dict, expr: str) -> subprocess.CompletedProcess:
    ours = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    clean = {k: v for k, v in os.environ.items() if k not in ours}
    clean.update(env, DJANGO_SETTINGS_MODULE="ijm_site.settings")
    code = f"import django; django.setup(); from django.conf import settings; print({expr})"
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=60
    )


def test_settings_are_secure_by_default():
    missing_key = _settings_in_subprocess({}, "settings.DEBUG")
    assert missing_key.returncode != 0 and "SECRET_KEY must be set" in missing_key.stderr

    missing_hosts = _settings_in_subprocess({"SECRET_KEY": "x" * 50}, "settings.DEBUG")
    assert missing_hosts.returncode != 0 and "ALLOWED_HOSTS must be set" in missing_hosts.stderr

    production = _settings_in_subprocess(
        {"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org"},
        "settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.SESSION_COOKIE_SECURE",
    )
    assert production.stdout.strip() == "False ijm_site.serialised_sqlite True"


def test_database_url_selects_postgresql():
    result = _settings_in_subprocess(
        {"DEBUG": "1", "DATABASE_URL": "postgres://u@127.0.0.1:5432/ijm"},
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']",
    )
    assert result.stdout.strip() == "django.db.backends.postgresql ijm"


def test_an_empty_database_url_means_the_default_sqlite_file():
    result = _settings_in_subprocess(
        {"DEBUG": "1", "DATABASE_URL": ""},
        "settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME']",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("db.sqlite3")
