"""The portal's background tasks. Arguments are an email address (with the language code of the
page that asked) or a row id, never a link or rendered text."""

from django.conf import settings
from django_tasks import task

from donor_portal import emails
from ijm_site.taskqueue import BACKEND, EMAIL_QUEUE


@task(backend=BACKEND, queue_name=EMAIL_QUEUE)
def send_sign_in_link(email: str, language: str = settings.LANGUAGE_CODE) -> bool:
    return emails.send_sign_in_link(email, language)


@task(backend=BACKEND, queue_name=EMAIL_QUEUE)
def send_giving_statement(statement_id: int) -> bool:
    return emails.send_giving_statement(statement_id)
