"""The donations app's part of the first site: the donate page with its preset amounts."""

from donations.models import DEFAULT_PRESETS, DonatePage, DonationPreset
from pages.seed.loader import publish_seed_page


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
                DonationPreset(currency=currency, frequency=frequency, amount=amount)
                for (currency, frequency), amounts in DEFAULT_PRESETS.items()
                for amount in amounts
            ],
        )
    )
    publish_seed_page(donate)
    report.add(f"donate page '{donate.title}'")
