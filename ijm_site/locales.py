"""Filipino as a language Django knows.

Django ships no Filipino locale: ``get_language_info("fil")`` raises KeyError, so Wagtail's locale
names and ``{% get_language_info %}`` fail for it. We add its entry to Django's table before the
first lookup (settings import this). Its formats live in ``ijm_site/formats/fil/`` and its
words, Django's month and day names included, in our own catalogue under ``locale/fil``.
"""

from django.conf.locale import LANG_INFO

FILIPINO = {
    "bidi": False,
    "code": "fil",
    "name": "Filipino",
    "name_local": "Filipino",
}


def register_filipino() -> None:
    LANG_INFO.setdefault("fil", FILIPINO)
