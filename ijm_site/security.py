"""The Content-Security-Policy: strict on the public site, looser inside the Wagtail admin.

The public site has no inline script or style at all, so its policy needs no nonces and a cached
page can be served to anyone as it is. The admin's editor relies on inline scripts and styles,
so under `/admin/` only what cannot break it is enforced: no framing by other sites, no plugins,
no `<base>` hijacking and forms that post back to the site.
"""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config

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


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(ADMIN_PREFIX):
            parts.config = default_config(ADMIN_DIRECTIVES)
        return parts
