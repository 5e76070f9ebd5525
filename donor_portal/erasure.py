"""Erasing a donor from the portal's own records, run by donations' ``donor_erased`` signal.

Audit lines stay (Finance must still see that a gift changed and when) but lose everything
personal: the client address, the donor's email as the actor and the reason they typed. A
statement not yet sent loses its address; sent ones only ever keep a keyed digest, which is
deleted too. Sign-in links keep no personal data at all, but the queue's stored sign-in tasks
carry the address as their argument, so those (and finished statement tasks) go.
"""

from django.db.models import Q
from django.dispatch import receiver
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from donations.erasure import donor_erased
from donor_portal.models import GiftChange, GivingStatement, email_digest
from ijm_site.taskqueue.records import find_stored_tasks

SIGN_IN_TASK = "donor_portal.tasks.send_sign_in_link"


def erase_for_email(email: str, *, gift_ids=()) -> dict[str, int]:
    """Erase what the portal keeps about ``email``; ``gift_ids`` are that donor's monthly gifts
    (needed once donations has already blanked the gifts' own address)."""
    address = email.strip()
    ids = list(
        GiftChange.objects.filter(
            Q(gift__donor_email__iexact=address) | Q(actor__iexact=address) | Q(gift__in=gift_ids)
        ).values_list("pk", flat=True)
    )
    lines = GiftChange.objects.filter(pk__in=ids)
    donor_lines = lines.filter(actor_kind=GiftChange.Actor.DONOR).update(actor=_("(erased)"))
    cleared = lines.update(client_address=None, reason="")
    statements, _deleted = GivingStatement.objects.filter(
        Q(email_digest=email_digest(address)) | Q(email__iexact=address)
    ).delete()
    tasks = find_stored_tasks(
        (SIGN_IN_TASK,), lambda arg: str(arg).strip().lower() == address.lower()
    )
    DBTaskResult.objects.filter(pk__in=tasks).delete()
    return {
        "audit_lines": cleared,
        "donor_lines": donor_lines,
        "statements": statements,
        "sign_in_tasks": len(tasks),
    }


@receiver(donor_erased, dispatch_uid="donor_portal.erase_for_email")
def erase_with_the_donations(sender, email, monthly_gift_ids=(), **kwargs):
    erase_for_email(email, gift_ids=monthly_gift_ids)
