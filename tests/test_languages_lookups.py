"""Links that name "the" page of a kind (the stories listing, the donate page) lead to the one in
the visitor's language, and editors may start a translation."""

import pytest
from django.contrib.auth.models import Group

from donations.models import DonatePage, Donation
from pages.models import StoryIndexPage
from tests.admin_users import signed_in

pytestmark = pytest.mark.django_db


def _paid_gift(session_id: str, language: str) -> Donation:
    return Donation.objects.create(
        amount=50000, currency="PHP", frequency="once", status="paid", language=language,
        donor_name="Ana Reyes", donor_email="ana@example.com",
        stripe_checkout_session_id=session_id,
    )  # fmt: skip


@pytest.mark.parametrize("language", ["en", "fil"])
def test_the_thank_you_page_offers_the_stories_of_its_own_language(client, seeded_site, language):
    _paid_gift(f"cs_test_{language}", language)
    donate = DonatePage.objects.get(locale__language_code=language)
    stories = StoryIndexPage.objects.get(locale__language_code=language)

    page = client.get(f"{donate.url}thank-you/?session_id=cs_test_{language}").content.decode()

    assert f'href="{stories.url}"' in page
    other = StoryIndexPage.objects.exclude(pk=stories.pk).get()
    assert f'href="{other.url}"' not in page


def test_a_language_whose_tree_lacks_a_stories_listing_leads_to_the_english_one(
    client, seeded_site
):
    StoryIndexPage.objects.get(locale__language_code="fil").unpublish()
    _paid_gift("cs_test_fallback", "fil")
    donate = DonatePage.objects.get(locale__language_code="fil")

    page = client.get(f"{donate.url}thank-you/?session_id=cs_test_fallback").content.decode()

    english = StoryIndexPage.objects.get(locale__language_code="en")
    assert f'href="{english.url}"' in page


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_editors_and_moderators_may_start_a_translation_which_is_a_draft(seeded_site, group):
    from wagtail.models import Locale

    from pages.models import StandardPage

    volunteer = seeded_site.add_child(instance=StandardPage(title="Volunteer", slug="volunteer"))
    volunteer.save_revision().publish()
    client = signed_in(f"someone-{group.lower()}", group)
    url = f"/admin/translation/submit/page/{volunteer.pk}/"
    filipino = Locale.objects.get(language_code="fil")

    assert client.get(url).status_code == 200
    client.post(url, {"locales": [filipino.pk]})

    translation = volunteer.get_translation(filipino)
    assert translation.title == "Volunteer" and not translation.live


def test_without_the_permission_an_editor_cannot_start_a_translation(seeded_site):
    editors = Group.objects.get(name="Editors")
    editors.permissions.remove(editors.permissions.get(codename="submit_translation"))
    client = signed_in("editor-without", "Editors")
    about = seeded_site.get_children().get(slug="about")

    response = client.get(f"/admin/translation/submit/page/{about.pk}/")

    assert response.status_code != 200


def test_each_languages_home_may_hold_one_stories_listing_and_one_donate_page(seeded_site):
    filipino_home = seeded_site.get_translation(
        StoryIndexPage.objects.get(locale__language_code="fil").locale
    )
    assert not StoryIndexPage.can_create_at(filipino_home)  # it has its own already
    assert not DonatePage.can_create_at(filipino_home)
    StoryIndexPage.objects.get(locale__language_code="fil").delete()
    assert StoryIndexPage.can_create_at(filipino_home.specific)
