"""The shape a Stripe event must have before any handler reads it.

A correct signature proves Stripe (or whoever holds our webhook secret) sent the body, not that
every field has the type our handlers expect. A list where a string belongs, a NUL in an id or an
amount outside Stripe's own bounds would otherwise surface as a 500 deep inside a handler, or as
a database error. So every field a handler reads is checked here, at the door, and anything else
is refused with a message that says which field and why.

Shapes follow API version ``2026-10-28.endive``; fields we do not read are not checked.
"""

import re
from collections.abc import Callable

MAX_AMOUNT = 99_999_999
"""Stripe's largest amount, in minor units (e.g. USD 999,999.99)."""

_ID = re.compile(r"[A-Za-z0-9_]{1,255}")
_CURRENCY = re.compile(r"[A-Za-z]{3}")
_WORD = re.compile(r"[a-z_]{1,64}")
_TYPE = re.compile(r"[a-z_.]{1,100}")


class MalformedEvent(ValueError):
    """The event is signed but not shaped like a Stripe event; the message names the field."""


Check = Callable[[str, object], None]


def _fail(path: str, expected: str) -> None:
    raise MalformedEvent(f"{path}: expected {expected}")


def _optional(check: Check) -> Check:
    def optional(path, value):
        if value is not None:
            check(path, value)

    return optional


def _string_matching(pattern: re.Pattern, expected: str) -> Check:
    def check(path, value):
        if not isinstance(value, str) or not pattern.fullmatch(value):
            _fail(path, expected)

    return check


stripe_id = _string_matching(_ID, "a Stripe id (letters, digits, underscores)")
currency = _string_matching(_CURRENCY, "a three-letter currency code")
word = _string_matching(_WORD, "a lowercase word")


def amount(path, value):
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        _fail(path, f"a whole number of minor units from 0 to {MAX_AMOUNT:,}")


def timestamp(path, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        _fail(path, "a Unix time")


def text(path, value):
    if not isinstance(value, str) or "\x00" in value or len(value) > 500:
        _fail(path, "a short text without NUL")


def metadata(path, value):
    if not isinstance(value, dict):
        _fail(path, "an object of texts")
    for key, item in value.items():
        text(f"{path}.{key}", item)


def expandable(path, value):
    """An id, or the expanded object carrying one."""
    if isinstance(value, dict):
        stripe_id(f"{path}.id", value.get("id"))
    else:
        stripe_id(path, value)


def boolean(path, value):
    if not isinstance(value, bool):
        _fail(path, "true or false")


def shape(*, required: tuple[str, ...] = ("id",), **fields: Check) -> Check:
    """An object with its ``required`` fields, whose listed fields pass their checks."""

    def check(path, value):
        if not isinstance(value, dict):
            _fail(path, "an object")
        for name in required:
            if name not in value:
                _fail(f"{path}.{name}", "present")
        for name, field_check in fields.items():
            if name in value:
                field_check(f"{path}.{name}", value[name])

    return check


def _list_of(check: Check) -> Check:
    def check_list(path, value):
        if not isinstance(value, dict) or not isinstance(value.get("data"), list):
            _fail(path, "a list object")
        for index, item in enumerate(value["data"]):
            check(f"{path}.data[{index}]", item)

    return check_list


SESSION = shape(
    id=stripe_id,
    client_reference_id=_optional(text),
    metadata=_optional(metadata),
    amount_total=_optional(amount),
    currency=_optional(currency),
    mode=_optional(word),
    status=_optional(word),
    payment_status=_optional(word),
    created=_optional(timestamp),
    customer=_optional(expandable),
    payment_intent=_optional(expandable),
    subscription=_optional(expandable),
)
INVOICE = shape(
    id=stripe_id,
    customer=_optional(expandable),
    amount_paid=_optional(amount),
    amount_due=_optional(amount),
    currency=_optional(currency),
    billing_reason=_optional(word),
    parent=_optional(
        shape(
            required=(),
            subscription_details=_optional(
                shape(required=(), subscription=_optional(expandable), metadata=_optional(metadata))
            ),
        )
    ),
    status_transitions=_optional(shape(required=(), paid_at=_optional(timestamp))),
    payments=_optional(
        _list_of(
            shape(
                required=(),
                status=_optional(word),
                payment=_optional(shape(required=(), payment_intent=_optional(expandable))),
            )
        )
    ),
)
SUBSCRIPTION = shape(
    id=stripe_id,
    status=_optional(word),
    customer=_optional(expandable),
    metadata=_optional(metadata),
)
CHARGE = shape(
    id=stripe_id, payment_intent=_optional(expandable), amount=_optional(amount),
    amount_refunded=_optional(amount), currency=_optional(currency),
)  # fmt: skip
DISPUTE = shape(id=stripe_id, payment_intent=_optional(expandable), status=_optional(word))

OBJECT_BY_TYPE_PREFIX = {
    "checkout.session.": SESSION,
    "invoice.": INVOICE,
    "customer.subscription.": SUBSCRIPTION,
    "charge.dispute.": DISPUTE,
    "charge.": CHARGE,
}


ENVELOPE = shape(
    required=("id", "type", "data"),
    id=stripe_id,
    type=_string_matching(_TYPE, "an event type such as checkout.session.completed"),
    created=_optional(timestamp),
    livemode=_optional(boolean),
    data=shape(required=("object",), object=shape(required=())),
)


def check_event(event: object) -> dict:
    """Return the event when every field our handlers read has its type; else MalformedEvent."""
    ENVELOPE("event", event)
    for prefix, check in OBJECT_BY_TYPE_PREFIX.items():
        if event["type"].startswith(prefix):
            check("event.data.object", event["data"]["object"])
            break
    return event
