"""The admin form of the DonatePage (kept apart from models.py, which uses it, and forms.py)."""

from wagtail.admin.forms import WagtailAdminPageForm


class DonatePageForm(WagtailAdminPageForm):
    """Staff edit limits and presets; a preset outside its currency's limits could never be paid."""

    def clean(self):
        data = super().clean()
        limits = {}
        for currency, low, high in (
            ("PHP", "php_minimum", "php_maximum"),
            ("USD", "usd_minimum", "usd_maximum"),
        ):
            if data.get(low) is not None and data.get(high) is not None:
                if data[low] < data[high]:
                    limits[currency] = (data[low], data[high])
                else:
                    self.add_error(high, "The largest gift must be more than the smallest.")
        presets = self.formsets.get("presets")
        if presets is not None and presets.is_valid():  # rows are cleaned after the page
            for form in presets.forms:
                row = getattr(form, "cleaned_data", None) or {}
                if not row or row.get("DELETE") or row.get("currency") not in limits:
                    continue
                low, high = limits[row["currency"]]
                amount = row.get("amount")
                if amount is not None and not low <= amount <= high:
                    form.add_error(
                        "amount",
                        f"Choose an amount from {low:,} to {high:,}, the limits for "
                        f"{row['currency']} below.",
                    )
        return data
