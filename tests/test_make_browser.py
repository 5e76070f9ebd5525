"""`make test` on a fresh machine: Debian's Chromium is installed first when it is missing, or the
command says plainly why it cannot be (issue 9, finding 9)."""

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")


def _make(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [MAKE, "--no-print-directory", *args],
        cwd=REPO,
        env=env or os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_test_installs_chromium_before_running_the_suite_when_it_is_missing(tmp_path):
    missing = tmp_path / "chromium"
    dry_run = _make("-n", f"CHROMIUM={missing}", "test")
    assert dry_run.returncode == 0, dry_run.stderr
    install = dry_run.stdout.find("apt-get install -y -q chromium")
    suite = dry_run.stdout.find("-m pytest")
    assert install != -1, dry_run.stdout
    assert 0 < install < suite
    assert "apt-get update" in dry_run.stdout


def test_make_test_leaves_an_installed_chromium_alone(tmp_path):
    present = tmp_path / "chromium"
    present.write_text("#!/bin/sh\n")
    present.chmod(0o755)
    dry_run = _make("-n", f"CHROMIUM={present}", "test")
    assert "apt-get" not in dry_run.stdout


def test_without_a_way_to_install_it_make_browser_says_why_and_what_to_run(tmp_path):
    """Neither sudo nor apt-get on the PATH: as root that is "no apt-get", as anyone else "needs
    root"; either way a plain sentence and a failing exit status, never a half-run suite."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "id").symlink_to(shutil.which("id"))
    env = {"PATH": str(bin_dir), "HOME": str(tmp_path)}
    result = _make(f"CHROMIUM={tmp_path / 'chromium'}", "browser", env=env)
    assert result.returncode != 0
    assert "Chromium" in result.stderr
    assert "needs root" in result.stderr or "has no apt-get" in result.stderr
    assert not (tmp_path / "chromium").exists()
