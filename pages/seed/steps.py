"""Seed steps that other apps contribute, so `pages` builds the site without importing them.

An app whose content belongs in the first site (the donate page, for one) registers a step in
its ``AppConfig.ready()``. ``load_seed_content`` runs every step once the home page and its own
children exist and before the home page's sections are published, inside the same transaction.
A step creates only what is missing and notes what it made on the report, like the loader.
"""

from collections.abc import Callable

SeedStep = Callable[..., None]  # step(home=HomePage, report=SeedReport)

_steps: dict[str, SeedStep] = {}


def register_seed_step(name: str, step: SeedStep) -> None:
    """Add (or replace, by name, so a reloaded app never runs twice) a step for the loader."""
    _steps[name] = step


def registered_seed_steps() -> list[SeedStep]:
    return list(_steps.values())
