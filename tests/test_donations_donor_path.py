"""The donor's path: a chosen amount, the gift on the button, trust, the ask, the thank-you page."""

import re

import pytest

from donations.models import DonatePage, Donation, DonationPreset
from donations.money import format_gift, format_money
from donations.seed import add_donor_path_defaults
from pages.seed.loader import SeedReport
from tests.conftest import visible_text
from tests.test_donations_checkout import DONATE_URL, _gift

pytestmark = pytest.mark.django_db


def _uncached_get(client, url: str, *args):
    """What a visitor sees after staff changed the page behind the page cache's back."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=False):
        cache.clear()
    return client.get(url, *args)


def _checked_amount(html: str) -> str | None:
    found = re.search(r'name="amount_choice"[^>]*value="(\d+)"[^>]* checked', html)
    return found.group(1) if found else None


# Money wording ---------------------------------------------------------------------------------


def test_money_reads_peso_and_us_dollar_and_a_month_with_a_space():
    assert format_money(100000, "PHP") == "₱1,000"
    assert format_money(2500, "USD") == "US$25"
    assert format_gift(100000, "PHP", "monthly") == "₱1,000 a month"
    assert format_gift(1000, "USD", "monthly") == "US$10 a month"
    assert format_gift(1000, "USD", "once") == "US$10"


def test_monthly_presets_read_with_a_space_before_a_month(client, fake_stripe, donate_page):
    text = visible_text(client.get(DONATE_URL, {"frequency": "monthly"}).content.decode())
    assert "₱500 a month" in text and "US$10 a month" in text
    assert not re.search(r"\da month", text)


# The default amount ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, "100000"),
        ({"frequency": "monthly"}, "50000"),
        ({"currency": "USD"}, "5000"),
        ({"currency": "USD", "frequency": "monthly"}, "2500"),
    ],
)
def test_each_currency_and_frequency_opens_with_its_default_amount_chosen(
    client, fake_stripe, donate_page, query, expected
):
    assert _checked_amount(client.get(DONATE_URL, query).content.decode()) == expected


def test_staff_choose_the_default_amount(client, fake_stripe, donate_page):
    donate_page.presets.filter(currency="PHP", frequency="once").update(is_default=False)
    donate_page.presets.filter(currency="PHP", frequency="once", amount=2500).update(
        is_default=True
    )
    assert _checked_amount(client.get(DONATE_URL).content.decode()) == "250000"


def test_a_link_with_an_amount_opens_the_form_with_that_amount(client, fake_stripe, donate_page):
    html = client.get(DONATE_URL, {"amount_choice": "500000"}).content.decode()
    assert _checked_amount(html) == "500000"


def test_without_javascript_changing_the_choice_brings_its_default(
    client, fake_stripe, donate_page
):
    html = client.get(DONATE_URL).content.decode()
    token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    response = client.post(
        DONATE_URL,
        {"currency": "USD", "frequency": "monthly", "amount_choice": "100000", "refresh": "1",
         "form_token": token, "name": "Jo"},
    )  # fmt: skip
    assert _checked_amount(response.content.decode()) == "2500"


def test_the_default_amount_is_given_without_touching_the_amounts(client, fake_stripe, donate_page):
    html = client.get(DONATE_URL).content.decode()
    data = _gift(client, amount_choice=_checked_amount(html))
    assert client.post(DONATE_URL, data).status_code == 303
    assert Donation.objects.get().amount == 100000


# One other amount, which wins ------------------------------------------------------------------


def test_a_filled_other_amount_wins_over_a_chosen_preset(client, fake_stripe, donate_page):
    response = client.post(DONATE_URL, _gift(client, amount_choice="100000", custom_amount="1,750"))
    assert response.status_code == 303
    assert Donation.objects.get().amount == 175000


def test_there_is_one_other_amount_input_and_no_other_button(client, fake_stripe, donate_page):
    html = client.get(DONATE_URL).content.decode()
    assert html.count('name="custom_amount"') == 1
    assert 'value="other"' not in html
    assert "Or your own amount" in visible_text(html)


def test_a_bad_other_amount_is_explained_and_kept(client, fake_stripe, donate_page):
    response = client.post(DONATE_URL, _gift(client, custom_amount="12,5x"))
    html = response.content.decode()
    assert "Enter the amount in numbers only" in visible_text(html)
    assert 'value="12,5x"' in html and 'value="Maria Santos"' in html


# The button and the folded parts ---------------------------------------------------------------


def test_the_server_writes_a_plain_give_and_the_words_for_the_script(
    client, fake_stripe, donate_page
):
    html = client.get(DONATE_URL).content.decode()
    assert re.search(r"<button [^>]*data-submit>Give</button>", html)
    assert 'data-give-once="Give {amount}"' in html
    assert 'data-give-monthly="Give {amount} a month"' in html
    assert 'data-gift="₱1,000"' in html and 'data-gift="US$25"' in html


def test_dedication_and_anonymity_are_folded_until_used(client, fake_stripe, donate_page):
    html = client.get(DONATE_URL).content.decode()
    assert re.search(r'<details class="donate-form__more">\s*<summary>', html)
    assert 'name="dedication_name"' in html.split("<details", 1)[1].split("</details>")[0]
    assert 'name="is_anonymous"' in html.split("<details", 1)[1].split("</details>")[0]
    error = client.post(DONATE_URL, _gift(client, dedication_type="memory")).content.decode()
    assert '<details class="donate-form__more" open>' in error  # the error is not hidden


# Trust panel and privacy -----------------------------------------------------------------------


def test_the_trust_panel_shows_what_staff_filled_and_hides_the_rest(
    client, fake_stripe, donate_page
):
    text = visible_text(client.get(DONATE_URL).content.decode())
    assert "Your gift, safely" in text
    assert "This site never sees or stores your card number" in text
    assert "What your gift funds" in text and "Stopping a monthly gift" in text

    DonatePage.objects.filter(pk=donate_page.pk).update(trust_funds="", trust_stop_monthly="")
    text = visible_text(_uncached_get(client, DONATE_URL).content.decode())
    assert "What your gift funds" not in text and "Stopping a monthly gift" not in text
    assert "Your receipt" in text

    DonatePage.objects.filter(pk=donate_page.pk).update(trust_receipts="", trust_card="")
    assert "trust-panel" not in _uncached_get(client, DONATE_URL).content.decode()


def test_the_privacy_notice_chosen_in_organisation_details_is_linked_next_to_the_form(
    client, fake_stripe, donate_page, seeded_site
):
    from wagtail.models import Site

    from pages.models import StandardPage
    from pages.settings import OrganisationSettings

    settings_row = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    privacy = seeded_site.add_child(
        instance=StandardPage(title="Privacy notice", slug="how-we-use-your-data")
    )
    privacy.save_revision().publish()
    settings_row.privacy_page = privacy
    settings_row.save()
    html = _uncached_get(client, DONATE_URL).content.decode()
    assert re.search(r'<a href="/how-we-use-your-data/">How we use your name and email</a>', html)

    settings_row.privacy_page = None
    settings_row.save()
    html = _uncached_get(client, DONATE_URL).content.decode()
    assert "How we use your name and email" not in html


# The ask at the end of a story -----------------------------------------------------------------


def test_every_story_ends_with_an_ask_whose_presets_open_the_form_chosen(
    client, fake_stripe, donate_page
):
    from pages.models import StoryPage

    story = StoryPage.objects.live().filter(locale__language_code="en").first()
    html = client.get(story.url).content.decode()
    ask = html.split('class="donate-ask"', 1)[1].split("</aside>")[0]
    links = re.findall(r'<li><a href="([^"]+)"[^>]*>Give ([^<]+)</a>', ask)
    assert [label for _, label in links] == ["₱500", "₱1,000", "₱2,500", "₱5,000"]
    url = {label: href for href, label in links}["₱2,500"].replace("&amp;", "&")
    assert url.startswith("/donate/?") and "amount_choice=250000" in url
    assert _checked_amount(client.get(url).content.decode()) == "250000"
    assert html.index('class="donate-ask"') > html.index(
        "</figure>" if "</figure>" in html else "<h1>"
    )


def test_the_ask_follows_staff_presets_and_hides_without_a_donate_page(
    client, fake_stripe, donate_page
):
    from pages.models import StoryPage

    story = StoryPage.objects.live().filter(locale__language_code="en").first()
    donate_page.presets.filter(currency="PHP", frequency="once").delete()
    DonationPreset.objects.create(page=donate_page, currency="PHP", frequency="once", amount=750)
    assert "Give ₱750" in visible_text(_uncached_get(client, story.url).content.decode())

    donate_page.unpublish()
    assert "donate-ask" not in _uncached_get(client, story.url).content.decode()


# The thank-you page ----------------------------------------------------------------------------


def _paid(client, fake_stripe, post_event, **choices) -> Donation:
    assert client.post(DONATE_URL, _gift(client, **choices)).status_code == 303
    donation = Donation.objects.latest("pk")
    for evt in fake_stripe.complete_session(donation.stripe_checkout_session_id):
        assert post_event(evt).status_code == 200
    return donation


@pytest.mark.parametrize(
    ("choices", "wording"),
    [
        ({}, "Your gift of ₱1,000 is on its way"),
        ({"frequency": "monthly", "amount_choice": "50000"}, "Your monthly gift of ₱500 a month"),
        ({"currency": "USD", "amount_choice": "5000"}, "Your gift of US$50 is on its way"),
        (
            {"currency": "USD", "frequency": "monthly", "amount_choice": "2500"},
            "Your monthly gift of US$25 a month is on its way",
        ),
    ],
)
def test_the_thank_you_page_words_each_currency_and_frequency(
    client, fake_stripe, donate_page, post_event, choices, wording
):
    donation = _paid(client, fake_stripe, post_event, **choices)
    html = client.get("/donate/thank-you/", {"session_id": donation.stripe_checkout_session_id})
    text = visible_text(html.content.decode())
    assert wording in text
    assert "a month a month" not in text and "monthly gift of" not in text.replace(
        "Your monthly gift of", ""
    )
    assert f"Your reference: {donation.receipt_number}" in text
    assert "Your receipt is on its way to your email" in text


def test_the_thank_you_page_invites_one_time_donors_to_give_monthly(
    client, fake_stripe, donate_page, post_event
):
    once = _paid(client, fake_stripe, post_event)
    html = client.get("/donate/thank-you/", {"session_id": once.stripe_checkout_session_id})
    html = html.content.decode()
    assert "Give every month" in visible_text(html)
    assert 'href="/donate/?currency=PHP&amp;frequency=monthly"' in html
    assert '<a href="/stories/">' in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert 'rel="canonical"' not in html

    monthly = _paid(client, fake_stripe, post_event, frequency="monthly", amount_choice="50000")
    html = client.get("/donate/thank-you/", {"session_id": monthly.stripe_checkout_session_id})
    assert "Give every month" not in visible_text(html.content.decode())


def test_staff_edit_the_thank_you_texts(client, fake_stripe, donate_page, post_event):
    DonatePage.objects.filter(pk=donate_page.pk).update(
        thank_you_next_steps="<p>We will write in a month with news.</p>",
        monthly_invitation="",
    )
    once = _paid(client, fake_stripe, post_event)
    text = visible_text(
        client.get(
            "/donate/thank-you/", {"session_id": once.stripe_checkout_session_id}
        ).content.decode()
    )
    assert "We will write in a month with news." in text
    assert "Give every month" not in text  # an empty invitation hides


# Seed for sites that already exist -------------------------------------------------------------


def test_a_new_site_gets_the_donor_path_texts_and_defaults(donate_page):
    assert donate_page.trust_card and donate_page.trust_receipts and donate_page.monthly_invitation
    assert "632 8 637 3983" in donate_page.trust_stop_monthly  # the fact sheet's phone
    assert donate_page.trust_funds.startswith("Your gift supports rescue operations")
    assert donate_page.thank_you_next_steps == ""  # the fact sheet says nothing more: left empty
    defaults = set(donate_page.presets.filter(is_default=True).values_list("currency", "amount"))
    assert defaults == {("PHP", 1000), ("PHP", 500), ("USD", 50), ("USD", 25)}


def test_an_existing_donate_page_gets_only_what_it_lacks(donate_page, seeded_site):
    DonatePage.objects.filter(pk=donate_page.pk).update(
        trust_card="", trust_funds="Staff's own words.", monthly_invitation=""
    )
    donate_page.presets.update(is_default=False)
    donate_page.presets.filter(currency="USD", frequency="once", amount=100).update(is_default=True)

    report = SeedReport()
    add_donor_path_defaults(home=seeded_site, report=report)

    page = DonatePage.objects.get(locale__language_code="en")
    assert "Stripe" in page.trust_card and page.monthly_invitation
    assert page.trust_funds == "Staff's own words."
    defaults = set(
        page.presets.filter(is_default=True).values_list("currency", "frequency", "amount")
    )
    assert defaults == {
        ("PHP", "once", 1000), ("PHP", "monthly", 500), ("USD", "once", 100),
        ("USD", "monthly", 25),
    }  # fmt: skip
    assert len(report.created) == 1 and "trust_card" in report.created[0]

    again = SeedReport()
    add_donor_path_defaults(home=seeded_site, report=again)
    assert again.created == []


def test_a_donate_page_with_a_draft_gets_the_additions_in_a_new_draft(donate_page, seeded_site):
    DonatePage.objects.filter(pk=donate_page.pk).update(trust_card="")
    donate_page.refresh_from_db()
    donate_page.title = "Give today"
    donate_page.save_revision()

    add_donor_path_defaults(home=seeded_site, report=SeedReport())

    live = DonatePage.objects.get(locale__language_code="en")
    assert live.title == "Donate" and live.trust_card == ""  # nothing published behind staff
    draft = live.get_latest_revision_as_object()
    assert draft.title == "Give today" and "Stripe" in draft.trust_card


def test_staff_choose_one_default_per_currency_and_frequency_in_the_admin(
    client, seeded_site, django_user_model
):
    from tests.test_donations_pages import _edit_post

    admin = django_user_model.objects.create_superuser("admin", "a@example.com", "pw-123456789")
    client.force_login(admin)
    page = DonatePage.objects.get(locale__language_code="en")
    rows = list(page.presets.all())
    assert (rows[0].currency, rows[0].frequency) == (rows[1].currency, rows[1].frequency)
    url = f"/admin/pages/{page.pk}/edit/"

    both = {"presets-0-is_default": "on", "presets-1-is_default": "on"}
    response = client.post(url, _edit_post(page, **both))
    assert response.status_code == 200
    assert "is already chosen by default. Untick one of them." in response.content.decode()

    response = client.post(url, _edit_post(page, **{"presets-1-is_default": "on"}))
    assert response.status_code == 302
    draft = DonatePage.objects.get(locale__language_code="en").get_latest_revision_as_object()
    assert draft.default_for(rows[1].currency, rows[1].frequency) == rows[1].amount * 100


def test_seed_content_brings_the_donate_page_parts_to_an_existing_site_once(donate_page):
    """`make serve` runs `seed_content --if-empty`: a site seeded before the donor's path gets
    its parts once; what staff empty afterwards stays empty."""
    from io import StringIO

    from django.core.management import call_command

    from pages.seed.additions import SeedAddition

    DonatePage.objects.filter(pk=donate_page.pk).update(trust_card="")
    SeedAddition.objects.filter(name="donate-page-path-and-trust").delete()

    call_command("seed_content", "--if-empty", stdout=StringIO())
    assert "Stripe" in DonatePage.objects.get(locale__language_code="en").trust_card

    DonatePage.objects.filter(pk=donate_page.pk).update(trust_card="")
    call_command("seed_content", "--if-empty", stdout=StringIO())
    assert DonatePage.objects.get(locale__language_code="en").trust_card == ""
