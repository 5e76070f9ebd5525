from wagtail import hooks
from wagtail.permissions import register_permission_policy

from donations.admin_views import (
    DonationViewSet,
    GiftTotalsPanel,
    ReadOnlyPermissionPolicy,
    RecurringGiftViewSet,
)
from donations.models import Donation, RecurringGift

for _model in (Donation, RecurringGift):
    register_permission_policy(_model, ReadOnlyPermissionPolicy(_model))


@hooks.register("register_admin_viewset")
def register_donation_viewsets():
    return [DonationViewSet(), RecurringGiftViewSet()]


@hooks.register("construct_homepage_panels")
def add_gift_totals_panel(request, panels):
    if ReadOnlyPermissionPolicy(Donation).user_has_permission(request.user, "view"):
        panels.append(GiftTotalsPanel())
