"""The donations app's part of the first site: the donate page with its presets and its words.

Every text here states what the site itself does (Stripe takes the card, receipts go by email)
or comes from the fact sheet (``pages/seed/fact_sheet.py``); where the fact sheet says nothing
(what a given amount buys, for one) nothing is seeded and the field is left for staff.

The Filipino donate page is the English one's translation (same presets, limits and fee) with
its words from the Filipino fact sheet (``pages/seed/fact_sheet_fil.py``), where a reviewer
finds every Filipino text of the seed in one file.
"""

from django.conf import settings
from django.utils.translation import gettext as _
from wagtail.models import Locale

from donations.models import DEFAULT_CHOSEN, DEFAULT_PRESETS, DonatePage, DonationPreset
from pages.seed import fact_sheet_fil
from pages.seed.fact_sheet import DONATE_CTA, ORGANISATION
from pages.seed.filipino import translate_seed_page
from pages.seed.loader import publish_seed_page


def donor_path_texts() -> dict[str, str]:
    """The donate page's trust panel and thank-you texts, field by field."""
    texts = {
        "trust_heading": _("Your gift, safely"),
        "trust_funds": DONATE_CTA["text"],
        "trust_receipts": _(
            "We email your receipt as soon as your payment is confirmed. Each monthly payment "
            "gets its own receipt."
        ),
        "trust_card": _(
            "Stripe, our payment processor, handles your card on its own secure page. This site "
            "never sees or stores your card number."
        ),
        "monthly_invitation": _(
            "A monthly gift is a steady way to stand with survivors, and you can stop it at "
            "any time."
        ),
    }
    contact = [
        _("email us at %(email)s") % {"email": ORGANISATION["email"]}
        if ORGANISATION["email"]
        else "",
        _("call us on %(phone)s") % {"phone": ORGANISATION["phone"]}
        if ORGANISATION["phone"]
        else "",
    ]
    contact = [way for way in contact if way]
    if contact:
        texts["trust_stop_monthly"] = _("To stop or change a monthly gift, %(contact)s.") % {
            "contact": _(" or ").join(contact)
        }
    return texts


def seed_donate_page(*, home, report) -> None:
    """Create the donate page under the home page, unless the site already has one."""
    if DonatePage.objects.exists():
        return
    donate = home.add_child(
        instance=DonatePage(
            title="Donate",
            slug="donate",
            seo_title="Give to protect children from online sexual exploitation",
            search_description=(
                "Give once or monthly, in pesos or US dollars, to help IJM Philippines "
                "protect Filipino children from online sexual exploitation."
            ),
            show_in_menus=False,
            presets=[
                DonationPreset(
                    currency=currency,
                    frequency=frequency,
                    amount=amount,
                    is_default=amount == DEFAULT_CHOSEN.get((currency, frequency)),
                )
                for (currency, frequency), amounts in DEFAULT_PRESETS.items()
                for amount in amounts
            ],
            **donor_path_texts(),
        )
    )
    publish_seed_page(donate)
    report.add(f"donate page '{donate.title}'")


def _fill_missing(page: DonatePage) -> list[str]:
    """Set each empty donor-path field and each group's missing default; what was added."""
    added = [name for name, text in donor_path_texts().items() if not getattr(page, name)]
    for name in added:
        setattr(page, name, donor_path_texts()[name])
    rows = list(page.presets.all())
    for (currency, frequency), amount in DEFAULT_CHOSEN.items():
        group = [p for p in rows if (p.currency, p.frequency) == (currency, frequency)]
        if group and not any(p.is_default for p in group):
            for preset in group:
                if preset.amount == amount:
                    preset.is_default = True
                    added.append(f"default {currency} {frequency} amount")
    if any(p.is_default for p in rows):
        page.presets = rows
    return added


def add_donor_path_defaults(*, home, report) -> None:
    """Give an EXISTING donate page the donor path's parts it lacks; never overwrite staff's.

    Fills only empty fields (trust panel, monthly invitation) and marks a default amount only in
    a currency and frequency with none. A page with an unpublished draft gets a new draft with
    the additions (staff publish it); otherwise the additions are published. A second run finds
    nothing missing and changes nothing. ``home`` is unused: the signature of a seed step.
    """
    live = english_donate_page()
    if live is None:
        return
    has_draft = live.has_unpublished_changes
    page = live.get_latest_revision_as_object() if has_draft else live
    added = _fill_missing(page)
    if not added:
        return
    revision = page.save_revision()
    if not has_draft and live.live:
        revision.publish()
    report.add(f"donate page '{page.title}': {', '.join(added)}")


def english_donate_page() -> DonatePage | None:
    """The default language's donate page (its translations have their own words)."""
    pages = DonatePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
    return pages.order_by("path").first() or DonatePage.objects.order_by("path").first()


def filipino_donate_page_texts() -> dict[str, str]:
    """The Filipino donate page's words, field by field, as ``donor_path_texts`` in English."""
    data = fact_sheet_fil.DONATE_PAGE
    texts = {
        name: data[name]
        for name in (
            "title",
            "seo_title",
            "search_description",
            "intro",
            "thank_you_text",
            "trust_heading",
            "trust_funds",
            "trust_receipts",
            "trust_card",
            "monthly_invitation",
        )
    }
    contact = [
        data["contact_email"] % {"email": ORGANISATION["email"]} if ORGANISATION["email"] else "",
        data["contact_phone"] % {"phone": ORGANISATION["phone"]} if ORGANISATION["phone"] else "",
    ]
    contact = [way for way in contact if way]
    if contact:
        texts["trust_stop_monthly"] = data["trust_stop_monthly"] % {
            "contact": data["contact_or"].join(contact)
        }
    return texts


def translate_donate_page(*, locale, report) -> None:
    """The live English donate page's translation into ``locale``, unless it has one.

    A text the English page leaves empty stays empty, and the English page is only read
    (``pages.seed.filipino.translate_seed_page``). Only Filipino has seed words.
    """
    if locale.language_code != "fil":
        return
    english = english_donate_page()
    if english is None or not english.live:
        return
    translate_seed_page(english, filipino_donate_page_texts(), locale, report)


def add_filipino_donate_page(*, home, report) -> None:
    """An existing site's donate page gets its Filipino translation (once per database).

    Registered after the addition that completes the English page's trust panel, so the
    translation has every part the English page has. ``home`` is unused.
    """
    fil = Locale.objects.filter(language_code="fil").first()
    if fil is not None:
        translate_donate_page(locale=fil, report=report)
