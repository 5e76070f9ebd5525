"""Erasing a donor from the portal's own records (the lead connects it to ``donor_erased``).

Audit lines stay (Finance must still see that a gift changed and when) but lose everything
personal: the client address, the donor's email as the actor and the reason they typed. A
statement not yet sent loses its address; sent ones only ever keep a keyed digest, which is
deleted too. Sign-in links keep no personal data at all.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from donor_portal.models import GiftChange, GivingStatement, email_digest


def erase_for_email(email: str) -> dict[str, int]:
    address = email.strip()
    ids = list(
        GiftChange.objects.filter(
            Q(gift__donor_email__iexact=address) | Q(actor__iexact=address)
        ).values_list("pk", flat=True)
    )
    lines = GiftChange.objects.filter(pk__in=ids)
    donor_lines = lines.filter(actor_kind=GiftChange.Actor.DONOR).update(actor=_("(erased)"))
    cleared = lines.update(client_address=None, reason="")
    statements, _deleted = GivingStatement.objects.filter(
        Q(email_digest=email_digest(address)) | Q(email__iexact=address)
    ).delete()
    return {"audit_lines": cleared, "donor_lines": donor_lines, "statements": statements}
