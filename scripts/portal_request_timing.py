"""How long the "email me a sign-in link" request takes for an address with a monthly gift and
for one without: the difference an attacker could time to learn who gives.

By construction there is none to find: the view validates the form, counts the rate limits and
enqueues a task with the address, the same work for every address; only the worker looks the
address up and sends (or doesn't send) a link. This prints the figures that show it, on the test
settings (SQLite in memory) with the durable database queue, as in production:

    .venv/bin/python -m scripts.portal_request_timing [--rounds 300]
"""

import argparse
import os
import statistics
import time


def _measure(client, email: str) -> float:
    started = time.perf_counter()
    response = client.post("/monthly-gift/", {"email": email})
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return elapsed * 1000


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ijm_site.settings_test")
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import override_settings, setup_databases, setup_test_environment

    setup_test_environment()
    setup_databases(verbosity=0, interactive=False)
    from django.conf import settings

    from donations.models import RecurringGift

    RecurringGift.objects.create(
        stripe_subscription_id="sub_timing", amount=2500, currency="USD",
        donor_name="Known Donor", donor_email="known@example.com",
    )  # fmt: skip
    queue = {
        **settings.TASKS,
        "background": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "email"],
        },
    }
    timings = {"known": [], "unknown": [], "unknown-2": []}
    with override_settings(
        TASKS=queue,
        PORTAL_LINK_RATE_PER_ADDRESS="1000000/h",
        PORTAL_LINK_RATE_PER_EMAIL="1000000/h",
    ):
        client = Client()
        for email in ("known@example.com", "stranger@example.com", "passer-by@example.com") * 10:
            _measure(client, email)  # warm up
        addresses = {
            "known": "known@example.com",
            "unknown": "stranger@example.com",
            "unknown-2": "passer-by@example.com",
        }
        for round_ in range(args.rounds):  # interleaved, each first in turn, so drift hits all
            names = list(addresses)
            for name in names[round_ % 3 :] + names[: round_ % 3]:
                timings[name].append(_measure(client, addresses[name]))

        from django.core import mail
        from django_tasks_db.models import DBTaskResult

        queued = DBTaskResult.objects.filter(task_path="donor_portal.tasks.send_sign_in_link")
        print(
            f"tasks queued: {queued.count()}, emails sent during the requests: {len(mail.outbox)}"
        )
    print(f"POST /monthly-gift/, {args.rounds} requests each, alternating (milliseconds)")
    print(f"{'address':<10}{'median':>9}{'mean':>9}{'p90':>9}")
    for name, values in timings.items():
        p90 = statistics.quantiles(values, n=10)[-1]
        print(
            f"{name:<10}{statistics.median(values):>9.2f}{statistics.mean(values):>9.2f}{p90:>9.2f}"
        )
    median = {name: statistics.median(values) for name, values in timings.items()}
    print(
        f"median difference known - unknown: {median['known'] - median['unknown']:+.3f} ms; "
        f"between two unknown addresses (noise): {median['unknown-2'] - median['unknown']:+.3f} ms"
    )


if __name__ == "__main__":
    main()
