"""Error pages answer in the language of the address: 404, 429 and 500 under /fil/ are Filipino."""

import re

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.test import Client
from django.urls import path
from django.utils import translation

from ijm_site.urls import urlpatterns as site_urlpatterns

pytestmark = pytest.mark.django_db


def _broken_view(request):
    raise RuntimeError("a fault on our side, for the test")


# The site's own addresses plus one view that fails, in both languages.
urlpatterns = [
    *i18n_patterns(path("test-fault/", _broken_view), prefix_default_language=False),
    *site_urlpatterns,
]


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode())[1]


def in_filipino(text: str) -> str:
    with translation.override("fil"):
        return translation.gettext(text)


@pytest.mark.urls("tests.test_languages_errors")
def test_the_500_page_under_fil_is_in_filipino_and_leads_to_the_filipino_home(seeded_site):
    client = Client(raise_request_exception=False)
    english = client.get("/test-fault/")
    filipino = client.get("/fil/test-fault/")
    assert english.status_code == filipino.status_code == 500
    assert html_lang(english) == "en" and html_lang(filipino) == "fil"
    body = filipino.content.decode()
    assert in_filipino("Something went wrong on our side") in body
    assert 'class="button" href="/fil/"' in body
    assert 'class="button" href="/"' in english.content.decode()


def test_the_429_page_under_fil_is_in_filipino(client, seeded_site, settings):
    settings.PORTAL_LINK_RATE_PER_EMAIL = "1/h"
    form = {"email": "giver@example.org"}
    assert client.post("/fil/monthly-gift/", form).status_code == 200
    refused = client.post("/fil/monthly-gift/", form)
    assert refused.status_code == 429
    assert html_lang(refused) == "fil"
    english = client.post("/monthly-gift/", form)
    assert english.status_code == 429 and html_lang(english) == "en"
