"""Moves image originals and documents stored by older versions of the site out of the public
media folder into the private storage (see STORAGES in the settings).

Before, every upload sat under MEDIA_ROOT, which the site served at /media/<its path>, so an
original (a full-size photo, before any crop) was reachable by guessing its name. Runs once as
a data migration (pages/migrations/0007_move_originals_to_private_storage.py) and again by hand
with ``manage.py move_originals_to_private_storage``; files already moved are left alone, so
either is safe to repeat.
"""

from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages


def move_public_originals(models, public_root: Path | None = None) -> int:
    """Move each stored file of `models` (image and document models) found under the public root
    into the default (private) storage under the same name; returns how many moved."""
    public_root = Path(public_root or settings.MEDIA_ROOT)
    private = storages["default"]
    moved = 0
    for model in models:
        for pk, name in model.objects.exclude(file="").values_list("pk", "file"):
            old = public_root / name
            if not old.is_file():
                continue
            if not _already_copied(private, name, old):
                with old.open("rb") as content:
                    stored = private.save(name, File(content))  # a new name if it is taken
                if stored != name:
                    model.objects.filter(pk=pk).update(file=stored)
            old.unlink()
            moved += 1
    return moved


def _already_copied(private, name: str, old: Path) -> bool:
    """A run stopped between copying and removing the public file left the same bytes in both."""
    if not private.exists(name) or private.size(name) != old.stat().st_size:
        return False
    with private.open(name, "rb") as copy:
        return copy.read() == old.read_bytes()
