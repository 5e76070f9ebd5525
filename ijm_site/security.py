"""The Content-Security-Policy: strict on the public site, looser inside the Wagtail admin.

The public site has no inline script or style at all, so its policy needs no nonces and a cached
page can be served to anyone as it is. The admin's editor relies on inline scripts and styles,
so under `/admin/` only what cannot break it is enforced: no framing by other sites, no plugins,
no `<base>` hijacking and forms that post back to the site.

A page previewed in the admin is rendered by Wagtail through the whole middleware chain with the
page's own (public) path, so it would take the public policy and its `frame-ancestors 'none'`,
and the editor's live preview side panel would show a broken page. A preview response keeps the
public policy but may be framed by the admin's own origin: `frame-ancestors 'self'` (Wagtail's
preview view sets `X-Frame-Options: SAMEORIGIN` to match).
"""

from csp.constants import HEADER, NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import build_policy, default_config
from django.conf import settings

ADMIN_PREFIX = "/admin/"

ADMIN_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF, UNSAFE_INLINE],
    "style-src": [SELF, UNSAFE_INLINE],
    "img-src": [SELF, "data:", "blob:", "https:"],
    "media-src": [SELF, "https:"],
    "frame-src": [SELF, "https:"],
    "connect-src": [SELF],
    "font-src": [SELF, "data:"],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [SELF],
}

PREVIEW_FRAMING = {"frame-ancestors": [SELF]}


def is_preview(request) -> bool:
    """True for the request Wagtail builds to render a page preview for the admin."""
    return bool(getattr(request, "is_preview", False))


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the admin's policy and a fast path for public pages.

    Building the policy string costs about as much as serving a cached page, so a public
    response that asks for nothing special (no nonce, no per-view override) gets the site policy
    built once per settings object.
    """

    _built_for = None
    _site_policy = ""

    def process_response(self, request, response):
        if self._takes_site_policy(request, response):
            if HEADER not in response:
                response[HEADER] = self._cached_site_policy()
            return response
        return super().process_response(request, response)

    @staticmethod
    def _takes_site_policy(request, response) -> bool:
        return not (
            request.path_info.startswith(ADMIN_PREFIX)
            or is_preview(request)
            or getattr(request, "_csp_nonce", None)
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or any(
                getattr(response, attribute, None)
                for attribute in ("_csp_exempt", "_csp_config", "_csp_update", "_csp_replace")
            )
        )

    def _cached_site_policy(self) -> str:
        policy = settings.CONTENT_SECURITY_POLICY
        if self._built_for is not policy:
            self._site_policy = build_policy()
            self._built_for = policy
        return self._site_policy

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIX):
            parts.config = default_config(ADMIN_DIRECTIVES)
        elif not report_only and is_preview(request):
            parts.replace = {**(parts.replace or {}), **PREVIEW_FRAMING}
        return parts
