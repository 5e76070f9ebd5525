"""The admin form of the DonatePage (kept apart from models.py, which uses it, and forms.py)."""

from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminPageForm


class DonatePageForm(WagtailAdminPageForm):
    """Staff edit limits and presets; a preset outside its currency's limits could never be paid,
    and one currency and frequency can have only one amount chosen by default."""

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
                    self.add_error(high, _("The largest gift must be more than the smallest."))
        presets = self.formsets.get("presets")
        if presets is not None and presets.is_valid():  # rows are cleaned after the page
            defaults: set[tuple[str, str]] = set()
            for form in presets.forms:
                row = getattr(form, "cleaned_data", None) or {}
                if not row or row.get("DELETE"):
                    continue
                group = (row.get("currency"), row.get("frequency"))
                if row.get("is_default"):
                    if group in defaults:
                        form.add_error(
                            "is_default",
                            _(
                                "Another %(currency)s %(frequency)s amount is already chosen "
                                "by default. Untick one of them."
                            )
                            % {"currency": group[0], "frequency": group[1]},
                        )
                    defaults.add(group)
                if row.get("currency") not in limits:
                    continue
                low, high = limits[row["currency"]]
                amount = row.get("amount")
                if amount is not None and not low <= amount <= high:
                    form.add_error(
                        "amount",
                        _(
                            "Choose an amount from %(low)s to %(high)s, the limits for "
                            "%(currency)s below."
                        )
                        % {"low": f"{low:,}", "high": f"{high:,}", "currency": row["currency"]},
                    )
        return data
