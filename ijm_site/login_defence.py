"""Which failed admin logins count towards a lockout (django-axes' AXES_LOCKOUT_PARAMETERS).

Two attacks, one rule that never lets a stranger lock a staff member out:

- Password spraying (one address, many usernames): failures are counted per address, whatever
  usernames it tries, so an address that fails ``AXES_FAILURE_LIMIT`` times is locked.
- Slow guessing of one username from many addresses: failures are also counted per username
  across every address, and the username is then locked *for addresses it has never signed in
  from*. From an address where this person has signed in before (axes' own access log), only
  failures for this username at this address count, so a stranger rotating addresses elsewhere
  cannot keep them out of their office or home.

A staff member travelling to a new network during an attack waits for the cool-off (or asks an
administrator to run ``manage.py axes_reset_username``).
"""

from axes.helpers import get_client_ip_address, get_client_username
from axes.models import AccessLog

SPRAYING = ["ip_address"]
GUESSING = ["username"]
AT_A_KNOWN_ADDRESS = [["username", "ip_address"]]


def _username_and_address(request_or_attempt, credentials) -> tuple[str | None, str | None]:
    if hasattr(request_or_attempt, "META"):  # a request; otherwise an AccessAttempt/AccessLog
        address = getattr(request_or_attempt, "axes_ip_address", None)
        if address is None:
            address = get_client_ip_address(request_or_attempt)
        return get_client_username(request_or_attempt, credentials), address
    return request_or_attempt.username, request_or_attempt.ip_address


def has_signed_in_from(username: str | None, address: str | None) -> bool:
    if not username or not address:
        return False
    return AccessLog.objects.filter(username=username, ip_address=address).exists()


def lockout_parameters(request_or_attempt, credentials=None) -> list:
    username, address = _username_and_address(request_or_attempt, credentials)
    if has_signed_in_from(username, address):
        return AT_A_KNOWN_ADDRESS
    return [SPRAYING, GUESSING]
