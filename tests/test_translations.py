"""Filipino is complete: every string the site can show has a Filipino translation, and it reaches
the page.

The catalogue checks are what CI enforces for every later change: a new `{% translate %}` or
`gettext` without its Filipino entry in locale/fil/LC_MESSAGES/django.po fails here, naming it.
"""

import ast
import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.cache import SessionStore
from django.http import Http404
from django.test import RequestFactory
from django.utils import translation
from django.views.defaults import page_not_found

from donations import receipts
from donations.models import DonatePage, Donation
from tests.conftest import visible_text

ROOT = Path(settings.BASE_DIR)
CATALOGUE = ROOT / "locale" / "fil" / "LC_MESSAGES" / "django.po"
# What `make messages` leaves out (the Makefile's MESSAGES_IGNORE), plus what holds no source.
NOT_SOURCE = {
    ".git",
    ".venv",
    "node_modules",
    "tests",
    "scripts",
    "staticfiles",
    "media",
    "private-media",
    "locale",
    ".test-media",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
}
# A catalogue this small means the extraction or the file broke, not that the site is translated.
AT_LEAST = 400


def read_catalogue(path: Path) -> list[dict]:
    """The entries of a .po file (header excluded), each with its flags, context, ids and
    translations. GNU gettext's format: continuation lines are quoted strings."""
    entries, entry, key = [], None, None

    def finish():
        if entry and entry.get("msgid") is not None and entry["msgid"] != "":
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            finish()
            entry, key = None, None
            continue
        if line.startswith("#~"):
            continue
        entry = entry or {"flags": set(), "msgctxt": None, "msgid_plural": None, "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if key[0] == "msgstr":
                entry["msgstr"][key[1]] += value
            else:
                entry[key[0]] += value
        else:
            keyword, index, value = re.fullmatch(
                r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? (".*")', line
            ).groups()
            value = ast.literal_eval(value)
            if keyword == "msgstr":
                key = ("msgstr", int(index or 0))
                entry["msgstr"][key[1]] = value
            else:
                key = (keyword, None)
                entry[keyword] = value
    finish()
    return entries


def name(entry: dict) -> str:
    context = f" (context {entry['msgctxt']!r})" if entry["msgctxt"] else ""
    return f"{entry['msgid']!r}{context}"


PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif%]|\{\w*\}|<[^>]+>")


def placeholders(text: str) -> Counter:
    """Python-format and brace placeholders, `%%`, and the markup a msgid carries (links must keep
    their targets), counted."""
    return Counter(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def catalogue():
    entries = read_catalogue(CATALOGUE)
    assert len(entries) > AT_LEAST, f"only {len(entries)} entries in {CATALOGUE}"
    return entries


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Every msgid in the source today, extracted by Django's makemessages (as `make messages`
    does) in a throwaway copy of the project, so the committed catalogue is never touched."""
    copy = tmp_path_factory.mktemp("source")
    for item in ROOT.iterdir():
        if item.name in NOT_SOURCE:
            continue
        if item.is_dir():
            shutil.copytree(item, copy / item.name, ignore=shutil.ignore_patterns(*NOT_SOURCE))
        else:
            shutil.copy2(item, copy / item.name)
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "fil", "--no-obsolete"],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "ijm_site.settings_test"},
        check=True,
        capture_output=True,
    )
    entries = read_catalogue(copy / "locale" / "fil" / "LC_MESSAGES" / "django.po")
    assert len(entries) > AT_LEAST, f"makemessages found only {len(entries)} strings"
    return entries


def test_every_string_in_the_source_is_in_the_filipino_catalogue(catalogue, extracted):
    committed = {(entry["msgctxt"], entry["msgid"], entry["msgid_plural"]) for entry in catalogue}
    missing = [
        name(entry)
        for entry in extracted
        if (entry["msgctxt"], entry["msgid"], entry["msgid_plural"]) not in committed
    ]
    assert not missing, (
        f"{len(missing)} string(s) are marked for translation but missing from {CATALOGUE.name}; "
        "run `make messages` and translate them:\n" + "\n".join(missing)
    )


def test_every_entry_has_a_filipino_translation_and_none_is_fuzzy(catalogue):
    untranslated = [
        name(entry)
        for entry in catalogue
        if not entry["msgstr"] or any(not text.strip() for text in entry["msgstr"].values())
    ]
    fuzzy = [name(entry) for entry in catalogue if "fuzzy" in entry["flags"]]
    assert not untranslated, "No Filipino translation for:\n" + "\n".join(untranslated)
    assert not fuzzy, "Fuzzy (unchecked) Filipino translations:\n" + "\n".join(fuzzy)


def test_a_translation_keeps_the_placeholders_and_markup_of_its_english(catalogue):
    differing = []
    for entry in catalogue:
        english = placeholders(entry["msgid"])
        if entry["msgid_plural"] is None:
            forms = {0: english}
        else:
            plural = placeholders(entry["msgid_plural"])
            # The singular may say "one" instead of the count; the plural needs the count.
            forms = dict.fromkeys(entry["msgstr"], plural)
            forms[0] = english
        for index, expected in forms.items():
            found = placeholders(entry["msgstr"].get(index, ""))
            singular_may_drop = entry["msgid_plural"] is not None and index == 0
            if found != expected and not (singular_may_drop and found <= expected | plural):
                differing.append(f"{name(entry)}: {dict(expected)} ≠ {dict(found)}")
    assert not differing, "Placeholders or markup differ:\n" + "\n".join(differing)


def test_the_placeholder_check_sees_a_dropped_or_renamed_placeholder():
    assert placeholders("Give %(amount)s a month") != placeholders("Magbigay bawat buwan")
    assert placeholders("Give {amount}") != placeholders("Magbigay ng {halaga}")
    assert placeholders('<a href="%(url)s">here</a>') != placeholders("<a>dito</a>")


def test_the_committed_catalogue_compiles(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "--output-file", str(tmp_path / "django.mo"), str(CATALOGUE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


# The translated strings reach what people read. Views and templates are called directly under
# translation.override, so these hold whatever later decides the language of a request.


def _request(path, seeded_site):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    request.session = SessionStore()
    return request


def test_the_filipino_donate_form_reads_in_filipino(client, seeded_site, fake_stripe):
    page = DonatePage.objects.live().get(locale__language_code="fil")
    assert page.url.startswith("/fil/")
    response = client.get(page.url)
    text = visible_text(response.content.decode())
    for words in ("Gaano kadalas", "Tungkol sa iyo", "Iyong pangalan", "Iyong email", "(opsyonal)"):
        assert words in text
    assert "Magbabayad ka sa ligtas na pahina ng Stripe." in text
    assert "How often" not in text and "About you" not in text


def test_the_page_not_found_page_reads_in_filipino(seeded_site):
    with translation.override("fil"):
        response = page_not_found(_request("/no-such-page/", seeded_site), Http404())
    text = visible_text(response.content.decode())
    assert response.status_code == 404
    assert "Hindi namin mahanap ang pahinang iyan" in text
    assert "Lumaktaw sa pangunahing nilalaman" in response.content.decode()


def test_a_receipt_for_a_filipino_donor_has_filipino_words_and_dates(seeded_site):
    donation = Donation.objects.create(
        amount=103500, fee_amount=3500, currency="PHP", frequency="once", status="paid",
        donor_name="Ana Reyes", donor_email="ana@example.com", language="fil",
        paid_at=datetime(2026, 11, 27, 4, 0, tzinfo=UTC),
    )  # fmt: skip
    message = receipts.receipt_message(donation)
    assert message.subject.startswith("Salamat sa iyong donasyon")
    assert donation.receipt_number in message.subject
    assert "Mahal na Ana Reyes," in message.body
    assert "Numero ng resibo:" in message.body and "Nobyembre 27, 2026" in message.body
    html = message.alternatives[0][0]
    assert "Salamat sa iyong donasyon sa" in html and "Dear" not in html
