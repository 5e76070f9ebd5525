"""The apps stay apart: site plumbing lives in ijm_site, and pages never depends on donations."""

import ast
from pathlib import Path

import pytest
from django.core.management import call_command

from donations.models import DonatePage
from pages.seed.loader import load_seed_content

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.django_db


def _imported_modules(package: str) -> dict[str, set[str]]:
    """Every module each file of a package imports, function-level imports included."""
    found = {}
    for path in (ROOT / package).rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def _offenders(package: str, forbidden: str) -> list[str]:
    return sorted(
        f"{path}: {name}"
        for path, names in _imported_modules(package).items()
        for name in names
        if name == forbidden or name.startswith(f"{forbidden}.")
    )


def test_pages_never_imports_donations():
    assert _offenders("pages", "donations") == []


def test_the_site_plumbing_imports_no_feature_app():
    """Only the URLconf, which ties the apps together, may name them."""
    for app in ("pages", "donations"):
        assert [
            o for o in _offenders("ijm_site", app) if not o.startswith("ijm_site/urls.py")
        ] == []


def test_the_boundary_check_sees_a_function_level_import(tmp_path, monkeypatch):
    package = tmp_path / "feature"
    package.mkdir()
    (package / "views.py").write_text("def view():\n    from donations.models import Donation\n")
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert _offenders("feature", "donations") == ["feature/views.py: donations.models"]


def test_the_donations_app_adds_its_donate_page_to_the_seed(db):
    report = load_seed_content()
    donate = DonatePage.objects.get(locale__language_code="en")
    assert donate.live and donate.get_parent().specific_class.__name__ == "HomePage"
    assert f"donate page '{donate.title}'" in report.created
    assert donate.presets.count() > 0
    assert load_seed_content().created == []  # a second run changes nothing


def test_seed_content_if_empty_still_builds_the_donate_page(db, capsys):
    call_command("seed_content", "--if-empty")
    assert "Created donate page 'Donate'" in capsys.readouterr().out
    call_command("seed_content", "--if-empty")
    assert "nothing to seed" in capsys.readouterr().out
    assert DonatePage.objects.filter(locale__language_code="en").count() == 1
