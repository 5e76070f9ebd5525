"""Thin views of the portal: ask for a link, sign in with it, manage one's monthly gifts.

No view says whether an address has a gift: the request form only validates, rate-limits and
enqueues (the worker looks the address up and sends the link, or nothing). Every gift id in a
request is looked up together with the signed-in address (:func:`find_own_gift`), so changing
an id in a URL finds nothing (404). Every change goes to Stripe first (``changes.py``).
"""

import time
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import is_ratelimited

from donations.models import RecurringGift, supported_language
from donations.money import format_money
from donor_portal import changes, links
from donor_portal.emails import find_manageable_gifts
from donor_portal.forms import AmountForm, CancelForm, PauseForm, RequestLinkForm
from donor_portal.models import GiftChange
from donor_portal.statements import find_statement
from donor_portal.tasks import send_sign_in_link
from ijm_site.client_address import client_ip

SESSION_KEY = "donor_portal"
BILLING_PORTAL_ORIGIN = "https://billing.stripe.com"
"""Where the card-update button's 303 leads: the manage page's policy lets its forms go there."""


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def _no_referrer(response, policy: str = "no-referrer"):
    """The sign-in page's address carries the token: no other site may see it as a referrer.

    The page with the button gets ``same-origin`` instead: under ``no-referrer`` browsers post
    its form with ``Origin: null``, which Django's CSRF check rightly refuses. ``same-origin``
    still sends the address to nobody but us (the POST, whose Referer no log of ours keeps).
    """
    response["Referrer-Policy"] = policy
    return response


def _email_key(group, request) -> str:
    return request.POST.get("email", "").strip().lower()


def _rate_limited(request) -> bool:
    by_address = is_ratelimited(
        request, group="portal-link-ip", key="ip", rate=settings.PORTAL_LINK_RATE_PER_ADDRESS,
        method="POST", increment=True,
    )  # fmt: skip
    by_email = is_ratelimited(
        request, group="portal-link-email", key=_email_key,
        rate=settings.PORTAL_LINK_RATE_PER_EMAIL, method="POST", increment=True,
    )  # fmt: skip
    return by_address or by_email


@never_cache
@require_http_methods(["GET", "POST"])
def request_link(request):
    """The same answer, template and status whether or not the address has a gift."""
    if request.method != "POST":
        return TemplateResponse(request, "donor_portal/request.html", {"form": RequestLinkForm()})
    form = RequestLinkForm(request.POST)
    if not form.is_valid():
        return TemplateResponse(request, "donor_portal/request.html", {"form": form}, status=400)
    if _rate_limited(request):
        return TemplateResponse(request, "donor_portal/rate_limited.html", status=429)
    language = supported_language(get_language())
    # The default language goes unsaid: the task's arguments stay what they always were.
    extra = [] if language == settings.LANGUAGE_CODE else [language]
    send_sign_in_link.enqueue(form.cleaned_data["email"].lower(), *extra)
    return TemplateResponse(
        request, "donor_portal/link_sent.html", {"email": form.cleaned_data["email"]}
    )


def _refused(request, reason: str):
    response = TemplateResponse(
        request, "donor_portal/link_refused.html", {"reason": reason}, status=400
    )
    return _no_referrer(response)


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request):
    """GET shows a button (a mail scanner's visit spends nothing); POST spends the link."""
    if request.method != "POST":
        token = request.GET.get("token", "")
        try:
            links.read_token(token)
        except links.LinkRefused as refused:
            return _refused(request, refused.reason)
        return _no_referrer(
            TemplateResponse(request, "donor_portal/sign_in.html", {"token": token}),
            "same-origin",
        )
    try:
        link = links.spend_token(request.POST.get("token", ""))
    except links.LinkRefused as refused:
        return _refused(request, refused.reason)
    request.session.cycle_key()
    request.session[SESSION_KEY] = {
        "email": link.email,
        "until": time.time() + settings.PORTAL_SESSION_SECONDS,
    }
    return _no_referrer(HttpResponseSeeOther(reverse("donor_portal:manage")))


def signed_in_email(request) -> str | None:
    data = request.session.get(SESSION_KEY) or {}
    if not isinstance(data, dict) or data.get("until", 0) < time.time():
        return None
    return data.get("email") or None


def donor_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        email = signed_in_email(request)
        if email is None:
            messages.info(request, _("Please ask for a new link to manage your monthly gift."))
            return HttpResponseSeeOther(reverse("donor_portal:request"))
        request.donor_email = email
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def find_own_gift(request, gift_id: int) -> RecurringGift:
    """The signed-in donor's own gift that has not ended, or 404: never another donor's."""
    gift = find_manageable_gifts(request.donor_email).filter(pk=gift_id).first()
    if gift is None:
        raise Http404(_("No monthly gift of yours has this number."))
    return gift


def _actor(request) -> changes.Actor:
    return changes.Actor(GiftChange.Actor.DONOR, request.donor_email, client_ip(request))


def _gift_rows(email: str, bound: dict | None = None):
    rows = []
    for gift in find_manageable_gifts(email).prefetch_related("donations"):
        bound_here = (bound or {}).get(gift.pk, {})
        schedule = changes.find_schedule(gift)
        payments = [d for d in gift.donations.all() if d.paid_at or d.status == "failed"]
        rows.append(
            {
                "gift": gift,
                "schedule": schedule,
                "next_payment": changes.find_next_payment(gift, schedule, payments),
                "payments": payments[:12],
                "amount_form": bound_here.get("amount") or AmountForm(gift=gift),
                "pause_form": bound_here.get("pause") or PauseForm(),
            }
        )
    return rows


def _manage_page(request, *, status=200, bound=None, error=""):
    context = {
        "rows": _gift_rows(request.donor_email, bound),
        "email": request.donor_email,
        "error": error,
        "statement_years": _statement_years(),
    }
    response = TemplateResponse(request, "donor_portal/manage.html", context, status=status)
    response._csp_update = {"form-action": [BILLING_PORTAL_ORIGIN]}  # django-csp's per-view update
    return response


def _statement_years() -> list[int]:
    this_year = timezone.localdate().year
    return [this_year, this_year - 1]


@donor_required
@require_GET
def manage(request):
    return _manage_page(request)


def _done(request, text: str):
    messages.success(request, text)
    return HttpResponseSeeOther(reverse("donor_portal:manage"))


def _change(request, gift, call, *args, done: str, bound=None):
    try:
        call(gift, *args, _actor(request))
    except changes.ChangeFailed as failed:
        return _manage_page(request, status=503, error=str(failed), bound=bound)
    return _done(request, done)


@donor_required
@require_POST
def change_amount(request, gift_id: int):
    gift = find_own_gift(request, gift_id)
    form = AmountForm(request.POST, gift=gift)
    if not form.is_valid():
        return _manage_page(request, status=400, bound={gift.pk: {"amount": form}})
    return _change(
        request, gift, changes.change_amount, form.cleaned_data["amount"],
        done=_("Your monthly gift is now %(amount)s from the next payment.")
        % {"amount": format_money(form.cleaned_data["amount"], gift.currency)},
        bound={gift.pk: {"amount": form}},
    )  # fmt: skip


@donor_required
@require_POST
def pause(request, gift_id: int):
    gift = find_own_gift(request, gift_id)
    form = PauseForm(request.POST)
    if not form.is_valid():
        return _manage_page(request, status=400, bound={gift.pk: {"pause": form}})
    return _change(
        request, gift, changes.pause, form.cleaned_data["months"],
        done=_("Your monthly gift is paused. It starts again by itself; you can resume it sooner."),
        bound={gift.pk: {"pause": form}},
    )  # fmt: skip


@donor_required
@require_POST
def resume(request, gift_id: int):
    gift = find_own_gift(request, gift_id)
    return _change(request, gift, changes.resume, done=_("Your monthly gift is active again."))


@donor_required
@require_http_methods(["GET", "POST"])
def cancel(request, gift_id: int):
    """First the offers (a lower amount, a pause), then the cancellation with a reason."""
    gift = find_own_gift(request, gift_id)
    form = CancelForm(request.POST if request.method == "POST" else None)
    context = {
        "gift": gift,
        "form": form,
        "amount_form": AmountForm(gift=gift),
        "pause_form": PauseForm(),
        "schedule": changes.find_schedule(gift),
    }
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return TemplateResponse(request, "donor_portal/cancel.html", context, status=status)
    try:
        changes.cancel(gift, form.cleaned_data["reason"], _actor(request))
    except changes.ChangeFailed as failed:
        context["error"] = str(failed)
        return TemplateResponse(request, "donor_portal/cancel.html", context, status=503)
    return _done(request, _("Your monthly gift has stopped. Thank you for all you have given."))


@donor_required
@require_POST
def update_card(request, gift_id: int):
    gift = find_own_gift(request, gift_id)
    return_url = request.build_absolute_uri(reverse("donor_portal:manage"))
    try:
        url = changes.open_card_update(gift, return_url, _actor(request), get_language())
    except changes.ChangeFailed as failed:
        return _manage_page(request, status=503, error=str(failed))
    return HttpResponseSeeOther(url)


@donor_required
@require_GET
def statement(request, year: int):
    if not 2000 <= year <= timezone.localdate().year:
        raise Http404(_("There is no statement for that year."))
    context = {
        "year": year,
        "totals": find_statement(request.donor_email, year),
        "email": request.donor_email,
    }
    return TemplateResponse(request, "donor_portal/statement.html", context)


@never_cache
@require_POST
def sign_out(request):
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    messages.info(request, _("You have signed out."))
    return HttpResponseSeeOther(reverse("donor_portal:request"))
