"""Sign-in links: signed, bound to one email and one purpose, short-lived and single-use.

A token is ``django.core.signing`` data (email, a random nonce) signed with SECRET_KEY and a salt
per purpose, with its creation time: a token made for another purpose fails the signature, one
older than the purpose's lifetime fails ``max_age``. Spending it stores its nonce in
:class:`~donor_portal.models.SpentLink`, whose unique constraint lets only one of two concurrent
POSTs succeed. Tokens are made in the worker, put in the email and never stored anywhere.
"""

import secrets
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction

from donor_portal.models import SpentLink

SIGN_IN = "sign-in"
LIFETIMES = {SIGN_IN: 30 * 60}
"""Seconds a link of each purpose stays valid."""


class LinkRefused(Exception):
    """The link is malformed, expired, for another purpose, or already used."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Link:
    email: str
    nonce: str
    purpose: str


def _salt(purpose: str) -> str:
    return f"donor_portal.link.{purpose}"


def make_token(email: str, purpose: str = SIGN_IN) -> str:
    payload = {"e": email.strip().lower(), "n": secrets.token_urlsafe(16)}
    return signing.dumps(payload, salt=_salt(purpose), compress=False)


def read_token(token: str, purpose: str = SIGN_IN) -> Link:
    """The link a token stands for, without spending it. Raises :class:`LinkRefused`."""
    try:
        payload = signing.loads(token, salt=_salt(purpose), max_age=LIFETIMES[purpose])
    except signing.SignatureExpired as error:
        raise LinkRefused("expired") from error
    except signing.BadSignature as error:
        raise LinkRefused("invalid") from error
    if not isinstance(payload, dict) or not payload.get("e") or not payload.get("n"):
        raise LinkRefused("invalid")
    link = Link(email=str(payload["e"]), nonce=str(payload["n"]), purpose=purpose)
    if SpentLink.objects.filter(nonce=link.nonce).exists():
        raise LinkRefused("used")
    return link


def spend_token(token: str, purpose: str = SIGN_IN) -> Link:
    """Check the token and mark it used, in one step only one request can win."""
    link = read_token(token, purpose)
    try:
        with transaction.atomic():
            SpentLink.objects.create(nonce=link.nonce, purpose=purpose)
    except IntegrityError as error:
        raise LinkRefused("used") from error
    return link
