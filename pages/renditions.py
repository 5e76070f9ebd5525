"""Image renditions made when a page is published, so its first visitor never waits for them.

`{% picture %}` makes each missing rendition on first view (40 to 100 ms each, nine for a hero).
These are the same filter specs the templates ask for, in the same order (a test renders every
page after publishing and checks that no rendition is left to make). The work runs as a task
after the publish commits; a failure is logged and only costs the first visitor the wait.
"""

import logging

from django.db import transaction
from django_tasks import task

from pages.seo import SOCIAL_IMAGE_FILTER

logger = logging.getLogger("ijm.images")

FORMATS = ("avif", "webp", "jpeg")


def _specs(*sizes: str) -> list[str]:
    return [f"format-{fmt}|{size}" for fmt in FORMATS for size in sizes]


HERO = _specs("fill-480x270", "fill-960x540", "fill-1440x810")
STORY = _specs("fill-480x320", "fill-960x640")  # story page and the home page's featured story
STORY_CARD = _specs("fill-400x250", "fill-800x500")  # the stories listing

SPECS_BY_FIELD = {
    ("pages", "homepage"): {"hero_image": [*HERO, SOCIAL_IMAGE_FILTER]},
    ("pages", "storypage"): {"image": [*STORY, *STORY_CARD, SOCIAL_IMAGE_FILTER]},
}


@task()
def make_renditions(image_id: int, specs: list[str]) -> int:
    from wagtail.images import get_image_model

    image = get_image_model().objects.filter(pk=image_id).first()
    if image is None:
        return 0
    return len(image.get_renditions(*specs))


def _on_publish(sender, instance, **kwargs):
    fields = SPECS_BY_FIELD.get((instance._meta.app_label, instance._meta.model_name), {})
    for field, specs in fields.items():
        image_id = getattr(instance, f"{field}_id", None)
        if image_id:
            transaction.on_commit(lambda i=image_id, s=specs: _enqueue(i, s))


def _enqueue(image_id: int, specs: list[str]) -> None:
    try:
        make_renditions.enqueue(image_id, specs)
    except Exception:  # the page is published; the first visitor makes them instead
        logger.exception("could not make renditions for image %s", image_id)


def connect_signals() -> None:
    from wagtail.signals import page_published

    page_published.connect(_on_publish, dispatch_uid="pages.renditions")
