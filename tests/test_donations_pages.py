"""The donate page in the site: seeded once, linked from the header and the home page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from donations.models import DEFAULT_PRESETS, DonatePage, DonationPreset
from donations.money import format_money, to_minor_units
from pages.models import HomePage
from pages.seed.loader import load_seed_content
from tests.conftest import visible_text

pytestmark = pytest.mark.django_db


def test_the_seed_creates_one_live_donate_page_with_the_default_presets(seeded_site):
    page = DonatePage.objects.get(locale__language_code="en")
    assert page.live and not page.show_in_menus
    assert page.get_parent().specific == seeded_site
    assert page.presets.count() == sum(len(v) for v in DEFAULT_PRESETS.values())
    assert page.presets_for("PHP", "once") == [50000, 100000, 250000, 500000]
    assert page.presets_for("PHP", "monthly") == [25000, 50000, 100000]
    assert page.presets_for("USD", "once") == [2500, 5000, 10000, 25000]
    assert page.presets_for("USD", "monthly") == [1000, 2500, 5000]
    assert page.limits_for("PHP") == (10000, 100000000)
    assert page.limits_for("USD") == (500, 2500000)

    load_seed_content()
    assert DonatePage.objects.filter(locale__language_code="en").count() == 1
    assert page.presets.count() == 14


def test_the_home_page_links_to_the_donate_page_from_the_header_and_the_call_to_action(
    client, seeded_site
):
    html = client.get("/").content.decode()
    links = re.findall(r'<a class="button[^"]*" href="([^"]+)">([^<]+)</a>', html)
    assert ("/donate/", "Donate") in links  # header
    assert sum(1 for href, _ in links if href == "/donate/") >= 2  # and the call to action
    assert re.search(r'<li><a class="button" href="/donate/">Donate</a></li>', html)
    assert "Donate" in visible_text(html)


def test_the_donate_link_costs_no_query_once_cached(client, seeded_site):
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        client.get("/")
    assert not [q for q in ctx.captured_queries if "donations_donatepage" in q["sql"]]


def test_the_donate_link_disappears_when_the_page_is_unpublished(client, seeded_site):
    client.get("/")
    DonatePage.objects.get(locale__language_code="en").unpublish()
    html = client.get("/").content.decode()
    assert 'href="/donate/"' not in html


def test_a_call_to_action_with_its_own_page_links_there(client, seeded_site):
    about = seeded_site.get_children().live().exclude(slug="donate").first()
    home = HomePage.objects.get(locale__language_code="en")
    body = home.body.raw_data
    for block in body:
        if block["type"] == "donate":
            block["value"]["page"] = about.pk
    home.body = body
    home.save_revision().publish()
    html = client.get("/").content.decode()
    assert f'<a class="button button--large" href="{about.url}">' in html


def test_the_one_money_formatter():
    assert format_money(150000, "PHP") == "₱1,500"
    assert format_money(2550, "USD") == "US$25.50"
    assert format_money(5, "USD") == "US$0.05"
    assert format_money(-2500, "usd") == "-US$25"
    assert format_money(1234, "EUR") == "EUR 12.34"
    assert to_minor_units("25.505", "USD") == 2551
    with pytest.raises(ValueError):
        to_minor_units("abc", "PHP")


def test_staff_edit_the_donate_page_in_the_admin(client, seeded_site, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "a@example.com", "pw-123456789")
    client.force_login(admin)
    page = DonatePage.objects.get(locale__language_code="en")
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    html = response.content.decode()
    assert response.status_code == 200
    for label in ("Preset amounts", "Smallest gift in pesos", "Processing fee (%)"):
        assert label in html


@pytest.mark.parametrize("model", [DonatePage, DonationPreset])
def test_every_field_staff_edit_on_the_donate_page_explains_itself(model):
    own = [
        field
        for field in model._meta.get_fields(include_parents=False)
        if getattr(field, "editable", False)
        and field.concrete
        and not field.auto_created
        and field.name not in ("page", "sort_order")
        and not field.name.endswith("_ptr")
    ]
    assert own
    for field in own:
        assert str(field.help_text).strip(), f"{model.__name__}.{field.name}"


def _edit_post(page, **changes) -> dict:
    """The donate page's admin edit form as submitted, with the given fields changed."""
    from wagtail.test.utils.form_data import rich_text

    presets = list(page.presets.all())
    data = {
        "title": page.title, "slug": page.slug, "intro": rich_text("<p>Give</p>"),
        "thank_you_text": rich_text("<p>Thank you</p>"),
        "php_minimum": page.php_minimum, "php_maximum": page.php_maximum,
        "usd_minimum": page.usd_minimum, "usd_maximum": page.usd_maximum,
        "fee_percentage": page.fee_percentage,
        "presets-TOTAL_FORMS": len(presets), "presets-INITIAL_FORMS": len(presets),
        "presets-MIN_NUM_FORMS": 0, "presets-MAX_NUM_FORMS": 1000,
    }  # fmt: skip
    for n, preset in enumerate(presets):
        data.update({
            f"presets-{n}-id": preset.pk, f"presets-{n}-ORDER": n + 1,
            f"presets-{n}-currency": preset.currency, f"presets-{n}-frequency": preset.frequency,
            f"presets-{n}-amount": preset.amount, f"presets-{n}-DELETE": "",
        })  # fmt: skip
    data.update(changes)
    return data


def test_staff_cannot_save_limits_or_presets_that_could_never_be_paid(
    client, seeded_site, django_user_model
):
    admin = django_user_model.objects.create_superuser("admin", "a@example.com", "pw-123456789")
    client.force_login(admin)
    page = DonatePage.objects.get(locale__language_code="en")
    url = f"/admin/pages/{page.pk}/edit/"

    response = client.post(url, _edit_post(page, **{"presets-0-amount": 5}))
    assert response.status_code == 200
    assert "Choose an amount from 100 to 1,000,000" in response.content.decode()

    response = client.post(url, _edit_post(page, usd_maximum=2))
    assert "The largest gift must be more than the smallest." in response.content.decode()

    response = client.post(url, _edit_post(page, **{"presets-0-amount": 750}))
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.get_latest_revision_as_object().presets_for("PHP", "once")[0] == 75000
