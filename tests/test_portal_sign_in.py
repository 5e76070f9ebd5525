"""Monthly donors ask for a sign-in link: same answer for everyone, rate-limited, and a link
that is signed, single-use, bound to its email and purpose, and never left lying around."""

import logging
import re
from unittest import mock

import pytest
from django.core import mail, signing
from django.test import Client

from donor_portal import links
from donor_portal.models import SpentLink
from tests.conftest import visible_text
from tests.portal_steps import MANAGE, PORTAL, sign_in, sign_in_url

pytestmark = pytest.mark.django_db
pytest_plugins = ["tests.portal_fixtures"]


def _ask(client, email: str):
    return client.post(PORTAL, {"email": email})


def test_known_and_unknown_addresses_get_the_same_answer(client, monthly_gift):
    monthly_gift(email="maria@example.com")
    mail.outbox.clear()
    known = _ask(client, "maria@example.com")
    unknown = _ask(client, "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert known.template_name == unknown.template_name == "donor_portal/link_sent.html"
    text = lambda r, e: visible_text(r.content.decode()).replace(e, "EMAIL")  # noqa: E731
    assert text(known, "maria@example.com") == text(unknown, "nobody@example.com")
    # Only the worker knows the difference: a link goes to the donor, nothing to the stranger.
    assert [m.to for m in mail.outbox] == [["maria@example.com"]]
    assert "If maria@example.com has a monthly gift" in visible_text(known.content.decode())


def test_the_email_holds_a_link_to_a_button_that_signs_in_once(client, monthly_gift):
    monthly_gift(email="maria@example.com")
    mail.outbox.clear()
    _ask(client, "Maria@Example.com")
    [message] = mail.outbox
    url = sign_in_url(message)
    assert "30 minutes" in message.body
    assert "your monthly gift to IJM Philippines:" in message.body
    path = url.split("://", 1)[1].split("/", 1)[1]

    page = client.get("/" + path)  # what a mail scanner does: spends nothing
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    assert "Continue to my monthly gift" in page.content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    assert not SpentLink.objects.exists()

    signed_in = client.post(PORTAL + "sign-in/", {"token": token})
    assert signed_in.status_code == 303 and signed_in["Location"] == MANAGE  # token left the URL
    assert signed_in["Referrer-Policy"] == "no-referrer"
    assert "US$25 a month" in visible_text(client.get(MANAGE).content.decode())

    again = Client().post(PORTAL + "sign-in/", {"token": token})
    assert again.status_code == 400
    assert "has been used" in visible_text(again.content.decode())
    assert Client().get("/" + path).status_code == 400


def test_an_expired_link_is_refused(client, monthly_gift):
    monthly_gift(email="maria@example.com")
    import time

    with mock.patch("django.core.signing.time.time", return_value=time.time() - 31 * 60):
        token = links.make_token("maria@example.com")
    response = client.post(PORTAL + "sign-in/", {"token": token})
    assert response.status_code == 400
    assert "expired" in visible_text(response.content.decode())
    assert client.get(MANAGE)["Location"] == PORTAL


def test_a_link_for_another_purpose_or_tampered_is_refused(client, monthly_gift):
    monthly_gift(email="maria@example.com")
    other_purpose = signing.dumps(
        {"e": "maria@example.com", "n": "abc"}, salt="donor_portal.link.card-update"
    )
    for token in (other_purpose, links.make_token("maria@example.com") + "x", "", "junk"):
        response = client.post(PORTAL + "sign-in/", {"token": token})
        assert response.status_code == 400, token
    assert client.get(MANAGE).status_code == 303


def test_a_link_is_bound_to_its_email(client, monthly_gift):
    mine = monthly_gift(email="maria@example.com")
    theirs = monthly_gift(email="jose@example.com", amount_choice="1000")
    sign_in(client, "jose@example.com")
    text = visible_text(client.get(MANAGE).content.decode())
    assert "US$10 a month" in text and "US$25 a month" not in text
    assert f"/manage/{theirs.pk}/" in client.get(MANAGE).content.decode()
    assert f"/manage/{mine.pk}/" not in client.get(MANAGE).content.decode()


def test_two_racing_posts_cannot_both_spend_a_link(client, monthly_gift):
    monthly_gift(email="maria@example.com")
    token = links.make_token("maria@example.com")
    link = links.read_token(token)
    links.spend_token(token)
    with pytest.raises(links.LinkRefused):
        links.spend_token(token)
    # A second POST that passed the "unused" check before the first committed still loses at
    # the unique constraint.
    with (
        mock.patch.object(links, "read_token", return_value=link),
        pytest.raises(links.LinkRefused),
    ):
        links.spend_token(token)
    assert SpentLink.objects.count() == 1


def test_a_bad_address_is_told_what_is_wrong_and_kept(client):
    response = client.post(PORTAL, {"email": "maria at example"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter an email address like name@example.com." in visible_text(html)
    assert 'value="maria at example"' in html


def test_requests_are_rate_limited_per_email(client, monthly_gift, settings):
    monthly_gift(email="maria@example.com")
    mail.outbox.clear()
    statuses = [_ask(Client(REMOTE_ADDR=f"10.0.0.{n}"), "maria@example.com").status_code
                for n in range(5)]  # fmt: skip
    assert statuses == [200, 200, 200, 429, 429]
    assert len(mail.outbox) == 3
    assert "paused new ones" in visible_text(_ask(client, "maria@example.com").content.decode())


def test_requests_are_rate_limited_per_address(client, settings):
    statuses = [_ask(client, f"person{n}@example.com").status_code for n in range(12)]
    assert statuses == [200] * 10 + [429] * 2


def test_every_change_needs_the_csrf_token(monthly_gift):
    gift = monthly_gift(email="maria@example.com")
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(PORTAL, {"email": "maria@example.com"}).status_code == 403
    assert (
        browser.post(
            PORTAL + "sign-in/", {"token": links.make_token("maria@example.com")}
        ).status_code
        == 403
    )
    signed_in = Client()
    sign_in(signed_in, "maria@example.com")
    without_token = Client(enforce_csrf_checks=True)
    without_token.cookies = signed_in.cookies  # the donor's session, but no CSRF token
    assert without_token.get(MANAGE).status_code == 200
    for action, data in (("amount", {"amount": "10"}), ("pause", {"months": "1"}),
                         ("resume", {}), ("cancel", {}), ("card", {})):  # fmt: skip
        assert without_token.post(f"{MANAGE}{gift.pk}/{action}/", data).status_code == 403


def test_the_link_never_reaches_the_task_queue_or_the_logs(client, monthly_gift, settings, caplog):
    """The request stores only the address as the task's argument; the worker makes the link."""
    from django_tasks_db.models import DBTaskResult

    monthly_gift(email="maria@example.com")
    mail.outbox.clear()
    settings.TASKS = {
        **settings.TASKS,
        "background": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "email"],
        },
    }
    with caplog.at_level(logging.DEBUG):
        assert _ask(client, "maria@example.com").status_code == 200
        assert mail.outbox == []  # nothing sent in the request
        [task] = DBTaskResult.objects.filter(task_path="donor_portal.tasks.send_sign_in_link")
        assert task.args_kwargs == {"args": ["maria@example.com"], "kwargs": {}}
        from donor_portal.emails import send_sign_in_link

        send_sign_in_link("maria@example.com")  # what the worker runs
        url = sign_in_url(mail.outbox[0])
        token = url.split("token=")[1]
        client.get(url.split("testserver", 1)[-1])
        client.post(PORTAL + "sign-in/", {"token": token})
    assert token not in caplog.text
    from ijm_site.taskqueue.models import QueuedEmail

    assert not QueuedEmail.objects.exists()  # the message never sat in the queued-email table


def test_the_access_log_never_shows_a_query_string():
    """The link's token travels in the query string, which gunicorn's access log leaves out."""
    from ijm_site import gunicorn_conf

    assert "%(U)s" in gunicorn_conf.access_log_format
    for with_query in ("%(r)s", "%(q)s", "%(u)s"):
        assert with_query not in gunicorn_conf.access_log_format


def test_the_donate_page_links_monthly_donors_to_the_request_form(client, donate_page, fake_stripe):
    """DESIGN.md's contract: a link with "manage" in its text, to the request form (never a
    sign-in link)."""
    html = client.get(donate_page.url).content.decode()
    [(href, text)] = [
        (href, text)
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>([^<]*)</a>', html)
        if "manage" in text.lower()
    ]
    assert href == PORTAL and "token" not in href
    assert client.get(href).status_code == 200
