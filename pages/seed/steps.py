"""Seed steps and seed additions that other apps contribute, so `pages` builds the site without
importing them.

Seed steps build a new site. An app whose content belongs in the first site (the donate page,
for one) registers a step in its ``AppConfig.ready()``. ``load_seed_content`` runs every step
once the home page and its own children exist and before the home page's sections are
published, inside the same transaction. A step creates only what is missing and notes what it
made on the report, like the loader.

Seed additions bring what later versions of the site seed to a site that already exists
(``seed_content --if-empty`` does nothing once a home page exists, so a step never reaches it)::

    register_seed_addition("privacy-page", add_privacy_page)

- ``step(*, home, report)`` gets the (specific) HomePage and the ``SeedReport``; it adds only what
  is missing and calls ``report.add("…")`` for what it made. It may return ``False`` to say
  "not now, try again next run" (for instance while the home page has an unpublished draft);
  any other return value counts as done.
- ``seed_content`` (with or without ``--if-empty``) and ``load_seed_content`` apply every
  addition not yet recorded for this database, each in its own transaction, in registration
  order, then record its name in ``pages.SeedAddition``. A recorded addition never runs again,
  so what staff later delete or empty on purpose is never refilled.
- A brand-new site gets today's seed in full, so its additions are recorded as applied without
  running.
- Names are permanent: renaming an addition makes it run again on every existing site.

Translation steps give another app's seed pages their Filipino version (see
``pages.seed.filipino``): ``step(*, locale, report)`` translates that app's pages into ``locale``
once the pages app's own translations exist, creating only what is missing::

    register_translation_step("donations.donate_page", translate_donate_page)

For instance the donations app's ``donations.seed.add_donor_path_defaults(*, home, report)`` is
registered (in its ``AppConfig.ready()``) as ``register_seed_addition("donor-path-defaults",
add_donor_path_defaults)``.
"""

from collections.abc import Callable

SeedStep = Callable[..., None]  # step(home=HomePage, report=SeedReport)
SeedAdditionStep = Callable[..., bool | None]  # step(*, home=HomePage, report=SeedReport)

_steps: dict[str, SeedStep] = {}
_additions: dict[str, SeedAdditionStep] = {}
_translations: dict[str, SeedStep] = {}


def register_seed_step(name: str, step: SeedStep) -> None:
    """Add (or replace, by name, so a reloaded app never runs twice) a step for the loader."""
    _steps[name] = step


def registered_seed_steps() -> list[SeedStep]:
    return list(_steps.values())


def register_seed_addition(name: str, step: SeedAdditionStep) -> None:
    """Add (or replace, by name) a once-per-database addition for sites that already exist."""
    _additions[name] = step


def registered_seed_additions() -> list[tuple[str, SeedAdditionStep]]:
    return list(_additions.items())


def register_translation_step(name: str, step: SeedStep) -> None:
    """Add (or replace, by name) a step that translates an app's seed pages into a locale."""
    _translations[name] = step


def registered_translation_steps() -> list[SeedStep]:
    return list(_translations.values())
