"""What Finance sees of the portal: every change to a monthly gift, and the gifts at risk.

Read-only, like the other gift screens (``donations/admin_views.py``): only users with the
"view" permission (the Finance group, given it by this app's migration, and superusers) see
them; Editors and Moderators never do.
"""

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn

from donations.admin_views import ReadOnlyGiftViewSet
from donations.models import RecurringGift
from donor_portal.models import GiftChange, PaymentFailure


class GiftChangeFilterSet(WagtailFilterSet):
    """By gift number (not a drop-down of every gift), what and who."""

    gift = django_filters.NumberFilter(field_name="gift_id", label=_("Monthly gift number"))

    class Meta:
        model = GiftChange
        fields = ["gift", "action", "actor_kind"]


class GiftChangeViewSet(ReadOnlyGiftViewSet):
    """The audit lines of monthly gifts; ``?gift=<id>`` shows one gift's history."""

    model = GiftChange
    icon = "history"
    menu_label = _("Monthly gift changes")
    name = "monthly-gift-changes"
    menu_order = 252
    text_fields = ("actor", "reason", "before", "after")
    list_display = [
        DateColumn("at", label=_("When"), sort_key="at"),
        Column("gift", label=_("Monthly gift"), accessor="gift"),
        Column("actor", label=_("Who"), accessor="actor"),
        Column("action", label=_("What"), accessor="get_action_display"),
        Column("summary", label=_("Before → after"), accessor="summary"),
        Column("reason", label=_("Reason"), accessor="reason"),
        Column("client_address", label=_("From"), accessor="client_address"),
    ]
    filterset_class = GiftChangeFilterSet
    search_fields = ["actor", "gift__donor_email", "gift__stripe_subscription_id"]
    list_export = ["at", "gift_id", "actor_kind", "actor", "action", "before", "after", "reason",
                   "client_address"]  # fmt: skip
    export_filename = "monthly-gift-changes"
    inspect_view_fields = list_export

    def get_queryset(self, request):
        return GiftChange.objects.select_related("gift")


def find_gifts_at_risk():
    """Monthly gifts Stripe holds as past due or unpaid, or whose last failure is not recovered."""
    open_failure = PaymentFailure.objects.filter(gift=OuterRef("pk"), recovered_at__isnull=True)
    return (
        RecurringGift.objects.exclude(status__in=RecurringGift.ENDED)
        .filter(
            Q(status__in=[RecurringGift.Status.PAST_DUE, RecurringGift.Status.UNPAID])
            | Exists(open_failure)
        )
        .order_by("-updated_at")
    )


class GiftsAtRiskPanel(Component):
    name = "gifts_at_risk"
    template_name = "donor_portal/admin/gifts_at_risk_panel.html"
    order = 95

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        at_risk = find_gifts_at_risk()
        context["gifts"] = list(at_risk[:10])
        context["count"] = at_risk.count()
        return context
