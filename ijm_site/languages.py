"""The visitor's language comes from the address alone: English at ``/``, Filipino under ``/fil/``.

Django's ``LocaleMiddleware`` would also read the language cookie and ``Accept-Language`` for
every unprefixed address (the admin, robots.txt, the webhook) and add ``Vary: Accept-Language``
to every English page. A page that varies on a request header is one the page cache
(``ijm_site/page_cache.py``) must not store, so no English page would ever be cached, and a
shared cache or CDN would split each page by every browser's language list. Here the path says
it all: the same address always answers in the same language, so nothing varies, and a link
shared by a Filipino reader opens in Filipino for everyone.

The language is active only while this request is handled (``translation.override``), so code
that runs after it in the same thread (a test, a worker) does not inherit it. Error pages raised
inside the view (404, 500) are rendered within it, in the visitor's language.
"""

from django.conf import settings
from django.utils import translation


def language_from_path(path: str) -> str:
    """``fil`` for ``/fil/...``; the default language for every other address."""
    return translation.get_language_from_path(path) or settings.LANGUAGE_CODE


class PathLanguageMiddleware:
    """Activates the address's language for the request and says it in ``Content-Language``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_from_path(request.path_info)
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
