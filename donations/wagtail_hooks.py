from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from donations.admin_views import (
    ERASE_PERMISSION,
    DonationViewSet,
    GiftTotalsPanel,
    ReadOnlyPermissionPolicy,
    RecurringGiftViewSet,
    erase_donor_view,
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


@hooks.register("register_admin_urls")
def register_erase_donor_url():
    return [path("donations/erase-donor/", erase_donor_view, name="donations_erase")]


class EraseDonorMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(ERASE_PERMISSION)


@hooks.register("register_admin_menu_item")
def register_erase_donor_menu_item():
    return EraseDonorMenuItem(
        _("Erase donor data"), reverse("donations_erase"), icon_name="bin", order=252
    )
