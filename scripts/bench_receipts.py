"""Receipts through a mail-server outage: how long after its return until every receipt is in.

    python -m scripts.bench_receipts [--gifts 100] [--outage 60] [--mode refuse|hang]

Builds a throwaway SQLite database, queues a receipt for each of ``--gifts`` paid gifts, starts
the real worker (`manage.py run_worker`, production settings: 60 s backoff cap, 10 s SMTP
timeout) while a local SMTP server (aiosmtpd on 127.0.0.1) refuses connections (``refuse``) or
accepts them and never answers (``hang``) for ``--outage`` seconds, then brings it back and
prints how many receipts arrived, how many twice, and how long after the return the last one
came. Figures, not a test: the tests check behaviour.
"""

import argparse
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from scripts.served_site import ROOT
from tests.smtp_server import LocalSmtpServer


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gifts", type=int, default=100)
    parser.add_argument("--outage", type=float, default=60)
    parser.add_argument("--mode", choices=["refuse", "hang"], default="refuse")
    options = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="bench-receipts-"))
    smtp = LocalSmtpServer()
    os.environ.update(
        DJANGO_SETTINGS_MODULE="ijm_site.settings",
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="localhost",
        DATABASE_URL=f"sqlite:///{workdir / 'db.sqlite3'}",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp.port),
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, check=True)

    import django

    django.setup()
    from django.utils import timezone

    from donations.models import Donation
    from donations.tasks import send_receipt

    for number in range(options.gifts):
        gift = Donation.objects.create(
            amount=100000, currency="PHP", frequency="once", status="paid",
            paid_at=timezone.now(), donor_name=f"Donor {number}",
            donor_email=f"donor{number}@example.org",
        )  # fmt: skip
        send_receipt.enqueue(gift.pk)

    if options.mode == "hang":
        smtp.hang()
    log = (workdir / "worker.log").open("wb")
    worker = subprocess.Popen(
        [*manage, "run_worker", "--no-reload"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        outage = f"{options.mode}s for {options.outage:.0f} s"
        print(f"{options.gifts} receipts queued; the mail server {outage}")
        time.sleep(options.outage)
        delivered_during_outage = len(smtp.messages)
        smtp.start()
        back = time.monotonic()
        last = None
        while time.monotonic() - back < 300:
            if len(smtp.messages) >= options.gifts:
                last = time.monotonic() - back
                break
            time.sleep(0.05)
        time.sleep(2)  # would a duplicate follow?
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
        smtp.stop()

    counts = Counter(smtp.message_ids())
    print(f"delivered during the outage:           {delivered_during_outage}")
    print(f"receipts delivered:                    {len(counts)} of {options.gifts}")
    print(f"delivered more than once:              {sum(1 for c in counts.values() if c > 1)}")
    if last is None:
        print("last receipt after the server's return: not within 300 s")
        return 1
    print(f"last receipt after the server's return: {last:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
