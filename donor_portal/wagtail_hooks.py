from wagtail import hooks
from wagtail.permissions import register_permission_policy

from donations.admin_views import ReadOnlyPermissionPolicy
from donations.models import RecurringGift
from donor_portal.admin_views import GiftChangeViewSet, GiftsAtRiskPanel
from donor_portal.models import GiftChange

register_permission_policy(GiftChange, ReadOnlyPermissionPolicy(GiftChange))


@hooks.register("register_admin_viewset")
def register_gift_change_viewset():
    return GiftChangeViewSet()


@hooks.register("construct_homepage_panels")
def add_gifts_at_risk_panel(request, panels):
    if ReadOnlyPermissionPolicy(RecurringGift).user_has_permission(request.user, "view"):
        panels.append(GiftsAtRiskPanel())
