"""Read-only admin listings of gifts for finance staff, and the admin home panel's totals.

Payment facts come from Stripe through the webhook; nobody adds, edits or deletes them by hand.
Only users with the "view" permission (the Finance group, and superusers) see these screens:
Wagtail hides the menu items from everyone else and refuses the URLs.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, Sum
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import ModelPermissionPolicy

from donations.erasure import ErasureRefused, erase_donor, find_erasure_plan
from donations.models import Donation, RecurringGift
from donations.money import CURRENCIES, format_money

READ_ONLY_BLOCKED = {"add", "change", "delete"}


def _neutralise_formula(value):
    """A donor could type ``=HYPERLINK(…)`` as a name; spreadsheets must show it as text."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """View (and export) with the model's view permission; add/change/delete for nobody."""

    def user_has_permission(self, user, action):
        if action in READ_ONLY_BLOCKED:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(set(actions) - READ_ONLY_BLOCKED)


class ReadOnlyGiftViewSet(ModelViewSet):
    """A finance listing: filter, search, inspect and export; never add, edit, copy or delete.

    Text a donor typed (``text_fields``) is exported so a spreadsheet shows it as text.
    """

    add_to_admin_menu = True
    copy_view_enabled = False
    exclude_form_fields: list[str] = []  # required by ModelViewSet; its add/edit views refuse all
    inspect_view_enabled = True
    list_per_page = 50
    search_backend_name = None
    text_fields: tuple[str, ...] = ("donor_name", "donor_email")

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(
            custom_field_preprocess={
                field: {"csv": _neutralise_formula} for field in self.text_fields
            },
            **kwargs,
        )


class DonationViewSet(ReadOnlyGiftViewSet):
    model = Donation
    icon = "pick"
    menu_label = _("Donations")
    menu_name = "donations"
    name = "donations"
    menu_order = 250
    text_fields = ("donor_name", "donor_email", "dedication", "failure_reason")
    list_display = [
        Column("donor_name", label=_("Donor"), accessor="donor_label"),
        Column("amount_display", label=_("Amount"), sort_key="amount"),
        Column("frequency", label=_("Frequency"), accessor="get_frequency_display"),
        Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
        Column("attention", label=_("Check"), accessor="attention_label"),
        Column("language", label=_("Language"), accessor="get_language_display"),
        "donor_email",
        DateColumn("created_at", label=_("Date"), sort_key="created_at"),
    ]
    list_filter = {
        "status": ["exact"],
        "needs_attention": ["exact"],
        "currency": ["exact"],
        "frequency": ["exact"],
        "language": ["exact"],
        "created_at": ["date__gte", "date__lte"],
    }
    search_fields = [
        "donor_email",
        "donor_name",
        "stripe_checkout_session_id",
        "stripe_payment_intent_id",
        "stripe_invoice_id",
        "stripe_customer_id",
    ]
    list_export = [
        "receipt_number",
        "created_at",
        "paid_at",
        "status",
        "frequency",
        "currency",
        "amount",
        "amount_display",
        "fee_amount",
        "refunded_amount",
        "donor_name",
        "donor_email",
        "is_anonymous",
        "language",
        "dedication",
        "recurring_gift_id",
        "stripe_checkout_session_id",
        "stripe_payment_intent_id",
        "stripe_invoice_id",
        "stripe_customer_id",
        "failure_reason",
        "needs_attention",
        "attention_reason",
    ]
    export_headings = {
        "receipt_number": _("Receipt number"),
        "created_at": _("Created"),
        "paid_at": _("Paid"),
        "amount": _("Amount (minor units)"),
        "amount_display": _("Amount"),
        "fee_amount": _("Fee cover (minor units)"),
        "refunded_amount": _("Refunded (minor units)"),
        "recurring_gift_id": _("Monthly gift id"),
        "language": _("Language"),
    }
    export_filename = "donations"
    inspect_view_fields = [
        "receipt_number",
        "status",
        "amount_display",
        "fee_amount",
        "refunded_amount",
        "currency",
        "frequency",
        "donor_name",
        "donor_email",
        "is_anonymous",
        "language",
        "dedication_type",
        "dedication_name",
        "recurring_gift",
        "page",
        "stripe_checkout_session_id",
        "stripe_payment_intent_id",
        "stripe_invoice_id",
        "stripe_customer_id",
        "failure_reason",
        "needs_attention",
        "attention_reason",
        "dispute_outcome",
        "created_at",
        "paid_at",
        "receipt_sent_at",
        "erased_at",
    ]


class RecurringGiftViewSet(ReadOnlyGiftViewSet):
    model = RecurringGift
    icon = "repeat"
    menu_label = _("Monthly gifts")
    name = "monthly-gifts"
    menu_order = 251
    list_display = [
        Column("donor_name", label=_("Donor"), accessor="donor_label"),
        Column("amount_display", label=_("Amount a month"), sort_key="amount"),
        Column("status", label=_("Status"), accessor="get_status_display", sort_key="status"),
        Column("language", label=_("Language"), accessor="get_language_display"),
        "donor_email",
        DateColumn("created_at", label=_("Started"), sort_key="created_at"),
    ]
    list_filter = {
        "status": ["exact"],
        "currency": ["exact"],
        "language": ["exact"],
        "created_at": ["date__gte"],
    }
    search_fields = ["donor_email", "donor_name", "stripe_subscription_id", "stripe_customer_id"]
    list_export = [
        "id",
        "created_at",
        "status",
        "currency",
        "amount",
        "amount_display",
        "donor_name",
        "donor_email",
        "is_anonymous",
        "language",
        "stripe_subscription_id",
        "stripe_customer_id",
        "canceled_at",
    ]
    export_headings = {
        "amount": _("Amount (minor units)"),
        "amount_display": _("Amount a month"),
        "language": _("Language"),
    }
    export_filename = "monthly-gifts"
    inspect_view_fields = [
        "amount_display",
        "currency",
        "status",
        "donor_name",
        "donor_email",
        "is_anonymous",
        "language",
        "stripe_subscription_id",
        "stripe_customer_id",
        "created_at",
        "canceled_at",
        "erased_at",
    ]


def gift_totals(now=None) -> dict:
    """Received this month and in the last 30 days, per currency, net of refunds."""
    now = now or timezone.now()
    month_start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    received = Donation.objects.filter(status=Donation.Status.PAID)
    net = Sum(F("amount") - F("refunded_amount"))
    rows = []
    for currency in CURRENCIES:
        in_currency = received.filter(currency=currency)
        month = in_currency.filter(paid_at__gte=month_start).aggregate(total=net, count=Count("id"))
        last_30 = in_currency.filter(paid_at__gte=now - timedelta(days=30)).aggregate(
            total=net, count=Count("id")
        )
        active = RecurringGift.objects.filter(
            currency=currency, status=RecurringGift.Status.ACTIVE
        ).aggregate(count=Count("id"), total=Sum("amount"))
        rows.append(
            {
                "currency": currency,
                "month": format_money(month["total"] or 0, currency),
                "month_count": month["count"],
                "last_30": format_money(last_30["total"] or 0, currency),
                "last_30_count": last_30["count"],
                "active_monthly": active["count"],
                "active_monthly_amount": format_money(active["total"] or 0, currency),
            }
        )
    return {
        "rows": rows,
        "active_monthly": RecurringGift.objects.filter(status=RecurringGift.Status.ACTIVE).count(),
        "failed_or_disputed": Donation.objects.filter(
            Q(status=Donation.Status.DISPUTED)
            | Q(status=Donation.Status.FAILED, recurring_gift__isnull=False),
            updated_at__gte=now - timedelta(days=30),
        ).count(),
    }


class GiftTotalsPanel(Component):
    name = "gift_totals"
    template_name = "donations/admin/gift_totals_panel.html"
    order = 90

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        context["totals"] = gift_totals()
        context["needs_attention"] = Donation.objects.filter(needs_attention=True).count()
        context["this_month_url"] = this_months_gifts_url()
        context["can_erase"] = parent_context["request"].user.has_perm(ERASE_PERMISSION)
        return context


ERASE_PERMISSION = "donations.erase_donor"


def this_months_gifts_url(now=None) -> str:
    """Finance's shortcut: the donations listing filtered to gifts made since the 1st."""
    month_start = timezone.localdate(now or timezone.now()).replace(day=1)
    return (
        reverse("donations:index")
        + "?"
        + urlencode({"created_at__date__gte": month_start.isoformat()})
    )


class EraseDonorForm(forms.Form):
    email = forms.EmailField(
        label=_("Donor's email address"),
        help_text=_("The address the donor gave with their gifts. Letter case does not matter."),
        error_messages={
            "required": _("Enter the donor's email address."),
            "invalid": _("Enter an email address like name@example.com."),
        },
    )


def erase_donor_view(request):
    """Finance erases a donor's personal data in two steps: look up, then confirm.

    The first step shows what will be erased and what is kept (or why it is refused); only
    the confirm button (``confirm``) erases.
    """
    if not request.user.has_perm(ERASE_PERMISSION):
        raise PermissionDenied
    form = EraseDonorForm(request.POST or None)
    plan = None
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        plan = find_erasure_plan(email)
        if "confirm" in request.POST and plan.has_data and not plan.refusal:
            try:
                erasure = erase_donor(email, by_user=request.user)
            except ErasureRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(
                    request,
                    _(
                        "Personal data erased from %(donations)s gift(s) and %(gifts)s monthly "
                        "gift(s); %(tasks)s stored email task(s) deleted. The amounts are kept."
                    )
                    % {
                        "donations": erasure.donations,
                        "gifts": erasure.monthly_gifts,
                        "tasks": erasure.task_results,
                    },
                )
                return redirect("donations:index")
    return TemplateResponse(
        request,
        "donations/admin/erase_donor.html",
        {"form": form, "plan": plan, "page_title": _("Erase a donor's personal data")},
    )
