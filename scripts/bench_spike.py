"""`make bench-spike`: campaign day on one machine, the figures of issue 8.

Starts `make serve` on a spare port (its own database: SQLite by default, a fresh PostgreSQL
database when ``DATABASE_URL`` names one, and ``REDIS_URL`` passed on when set), the standalone fake
Stripe (tests/fake_stripe.py) answering every API call in ``--latency`` seconds and creating at
most ``--rate-limit`` Checkout Sessions a second (429 ``rate_limit`` beyond, as Stripe does), and a
local SMTP server on loopback (aiosmtpd). Then:

1. Calm: wrk on the home page alone (32 connections, the TLS proxy's ``X-Forwarded-Proto``).
2. Spike: the same wrk while ``--donors`` donors each loop: GET the donate page, POST a valid gift.
   Each gift comes from a fresh client address (``X-Forwarded-For`` as the trusted loopback proxy
   reports it) and a fresh email, so our own limit of 5 per 10 minutes is not what is measured;
   one extra line shows that limit working for one address and one email.
3. Receipts: ``--gifts`` pending gifts made through the form and the fake, then their signed
   ``checkout.session.completed`` events from ``--senders`` concurrent senders while the SMTP
   server refuses connections for ``--outage`` seconds; then it comes back, and the script counts
   the receipts that arrive within 2 minutes of its return.

``--front varnish`` puts the repo's Varnish (deploy/varnish/site.vcl, scripts/varnish.py) in front
of `make serve`, as the production topology does (README), and sends every request through it;
the default, ``--front none``, measures `make serve` alone, as the issue asks.

Prints: home requests/s and p99, calm and under the spike; checkout starts/s; donors answered
kindly (form kept); donor p50/p99 from form to Stripe for those who got through; errors (5xx,
resets, timeouts); webhook p99; receipts delivered. Figures, not assertions: the machine's load
changes them, so the targets are printed as PASS/FAIL lines beside the figures.

Usage: make bench-spike   (or .venv/bin/python -m scripts.bench_spike --donors 40 --latency 0.5)
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from scripts.bench import machine, wrk
from scripts.served_site import ROOT, ServedSite, free_port
from scripts.varnish import Backend, Varnish
from tests.fake_stripe import event, sign

WEBHOOK_SECRET = "whsec_bench_spike"  # noqa: S105 - the fake's, never a real one
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
REQUEST_TIMEOUT = 30
RECEIPT_WINDOW = 120


# A donor, over plain HTTP as the TLS proxy would forward them -----------------------------------


_addresses = itertools.count(1 + secrets.randbelow(1 << 23))


def fresh_client() -> tuple[str, str]:
    """A client address (from 10.0.0.0/8, as the proxy would report it) and an email, both new.
    Each run starts at a random place in the range: with REDIS_URL our limits' counters outlive a
    run, and a run a minute later must not meet the addresses of the one before."""
    n = next(_addresses)
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}", f"donor-{n}-{os.getpid()}@example.org"


@dataclass
class Answer:
    status: int
    headers: dict
    body: str
    seconds: float


def request(
    base: str, method: str, path: str, headers: dict | None = None, body: str | None = None
) -> Answer:
    """One request on a fresh connection; never follows redirects."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=REQUEST_TIMEOUT)
    started = time.perf_counter()
    try:
        connection.request(method, path, body=body, headers={**PROXY_HEADERS, **(headers or {})})
        response = connection.getresponse()
        text = response.read().decode(errors="replace")
        return Answer(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            text,
            time.perf_counter() - started,
        )
    finally:
        connection.close()


def _cookie(answer: Answer, name: str) -> str:
    match = re.search(rf"{name}=([^;]+)", answer.headers.get("set-cookie", ""))
    return match.group(1) if match else ""


def _field(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    return match.group(1) if match else ""


@dataclass
class GiftAttempt:
    """What a donor saw: the form's answer, and whether it kept what they typed."""

    answer: Answer
    email: str

    @property
    def started(self) -> bool:
        return self.answer.status == 303 and "/checkout/" in self.answer.headers.get("location", "")

    @property
    def session_id(self) -> str:
        return self.answer.headers.get("location", "").rstrip("/").rsplit("/", 1)[-1]

    @property
    def kind(self) -> bool:
        """Not started, but told so with the form and the donor's email kept (no 5xx)."""
        return (
            not self.started
            and self.answer.status < 500
            and f'value="{self.email}"' in self.answer.body
        )

    @property
    def refused_by_our_limit(self) -> bool:
        """Our own limit's page (429, "please wait"), not Stripe's busy answer (429, form kept)."""
        return self.answer.status == 429 and not self.kind


def give(
    base: str, donate_path: str, client_ip: str | None = None, email: str | None = None
) -> GiftAttempt:
    """GET the donate page, then POST a valid one-time gift of PHP 1,000, as a browser would."""
    fresh_ip, fresh_email = fresh_client()
    client_ip, email = client_ip or fresh_ip, email or fresh_email
    forwarded = {"X-Forwarded-For": client_ip}
    form = request(base, "GET", donate_path, forwarded)
    csrf = _cookie(form, "csrftoken")
    body = urlencode(
        {
            "csrfmiddlewaretoken": _field(form.body, "csrfmiddlewaretoken"),
            "form_token": _field(form.body, "form_token"),
            "currency": "PHP",
            "frequency": "once",
            "amount_choice": "other",
            "custom_amount": "1000",
            "name": "Spike Donor",
            "email": email,
            "website": "",
        }
    )
    host = urlsplit(base).netloc
    answer = request(
        base,
        "POST",
        donate_path,
        {
            **forwarded,
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
            "Referer": f"https://{host}{donate_path}",
        },
        body,
    )
    return GiftAttempt(answer, email)


# Load ------------------------------------------------------------------------------------------


@dataclass
class DonorTally:
    started: list[float] = field(default_factory=list)
    kind: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, attempt: GiftAttempt | None, error: str = "") -> None:
        with self.lock:
            if attempt is None:
                self.errors.append(error)
            elif attempt.started:
                self.started.append(attempt.answer.seconds)
            elif attempt.kind:
                self.kind += 1
            else:
                self.errors.append(f"HTTP {attempt.answer.status}")


def donors_loop(base: str, donate_path: str, tally: DonorTally, stop: threading.Event) -> None:
    """Give again and again. A donor told kindly to try again in a moment reads that and waits
    the ``Retry-After`` the answer names before the next try, as a person (or a polite client)
    does, rather than resubmitting within the millisecond."""
    while not stop.is_set():
        try:
            attempt = give(base, donate_path)
            tally.record(attempt)
        except (OSError, http.client.HTTPException) as error:
            tally.record(None, type(error).__name__)
            continue
        if attempt.kind:
            stop.wait(_retry_after(attempt.answer))


def _retry_after(answer: Answer) -> float:
    try:
        return min(float(answer.headers.get("retry-after", "0")), 30.0)
    except ValueError:
        return 0.0


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def spike(base: str, donate_path: str, donors: int, seconds: int) -> tuple[dict, DonorTally]:
    tally = DonorTally()
    stop = threading.Event()
    threads = [
        threading.Thread(target=donors_loop, args=(base, donate_path, tally, stop), daemon=True)
        for _ in range(donors)
    ]
    for thread in threads:
        thread.start()
    time.sleep(1)  # every donor is under way before the home page is measured
    with tally.lock:
        tally.started.clear()
        tally.kind = 0
        tally.errors.clear()
    home = wrk(base + "/", seconds=seconds)
    with tally.lock:
        counted = DonorTally(list(tally.started), tally.kind, list(tally.errors))
    stop.set()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT + 5)
    return home, counted


OUR_LIMIT = 5
"""Checkouts per address and per email in 10 minutes (donations/views.py's CHECKOUT_RATE)."""


def our_limit_line(base: str, donate_path: str, attempts: int = 12) -> str:
    """Gifts from one address and one email: every one after the fifth is refused with 429,
    whichever worker answers, when the limit's counters are shared by every worker."""
    client_ip, email = fresh_client()
    gifts = [give(base, donate_path, client_ip, email) for _ in range(attempts)]
    statuses = [gift.answer.status for gift in gifts]
    refused = sum(gift.refused_by_our_limit for gift in gifts)
    return (
        f"{refused} of {attempts} refused with 429 ({attempts - OUR_LIMIT} expected); "
        f"statuses {statuses}"
    )


# Where the CPU went ----------------------------------------------------------------------------


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes() -> dict[int, tuple[int, float]]:
    """Every process's parent and CPU seconds so far, from /proc."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # ended meanwhile
        found[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return found


def _tree_cpu(processes: dict[int, tuple[int, float]], root: int) -> float:
    """CPU seconds of a process and all its descendants still running."""
    tree, total = {root}, 0.0
    grew = True
    while grew:
        grew = False
        for pid, (parent, _) in processes.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    for pid in tree:
        total += processes.get(pid, (0, 0.0))[1]
    return total


def cpu_snapshot(site_pid: int, fake_pid: int, front_pid: int | None = None) -> dict[str, float]:
    """CPU seconds used so far by the served site (`make serve` and every process under it:
    gunicorn's workers, the task worker), the fake Stripe, this script's donors, and the wrk
    runs it has waited for."""
    processes = _processes()
    own = os.times()
    front = {"Varnish": _tree_cpu(processes, front_pid)} if front_pid else {}
    return {
        "site": _tree_cpu(processes, site_pid),
        **front,
        "fake Stripe": _tree_cpu(processes, fake_pid),
        "donors (this script)": own.user + own.system,
        "wrk": own.children_user + own.children_system,
    }


def cpu_used(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: round(after[name] - before[name], 1) for name in before}


# Receipts through an SMTP outage ---------------------------------------------------------------


class Mailbox:
    """A local SMTP server (aiosmtpd) that can be down (port closed) and brought back."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list[tuple[float, str, str]] = []  # (arrival, recipient, Message-ID)
        self._controller = None

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message_id = ""
        for line in envelope.content.decode(errors="replace").splitlines():
            if line.lower().startswith("message-id:"):
                message_id = line.split(":", 1)[1].strip()
                break
        for recipient in envelope.rcpt_tos:
            self.messages.append((time.monotonic(), recipient, message_id))
        return "250 Message accepted for delivery"

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


def stripe_get(stripe_base: str, path: str) -> dict:
    answer = request(stripe_base, "GET", path, {"Authorization": "Bearer sk_test_bench_spike"})
    return json.loads(answer.body)


def completed_event(stripe_base: str, session_id: str) -> str:
    """Pay the session at the fake's hosted page, then the event Stripe would send for it."""
    request(stripe_base, "GET", f"/checkout/{session_id}")
    session = stripe_get(stripe_base, f"/v1/checkout/sessions/{session_id}")
    return json.dumps(event("checkout.session.completed", session))


def in_parallel(function, items: list, workers: int) -> list:
    results: list = [None] * len(items)
    positions = iter(range(len(items)))
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                index = next(positions, None)
            if index is None:
                return
            try:
                results[index] = function(items[index])
            except (OSError, http.client.HTTPException) as error:
                results[index] = error

    threads = [threading.Thread(target=work, daemon=True) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def receipts(
    base: str, donate_path: str, stripe_base: str, mailbox: Mailbox, args: argparse.Namespace
) -> dict:
    started: list[GiftAttempt] = []
    for _ in range(3):  # donors who met Stripe's limit try again, as they are asked to
        needed = list(range(args.gifts - len(started)))
        gifts = in_parallel(lambda _: give(base, donate_path), needed, args.senders)
        started += [g for g in gifts if isinstance(g, GiftAttempt) and g.started]
    payloads = in_parallel(
        lambda g: completed_event(stripe_base, g.session_id), started, args.senders
    )
    payloads = [p for p in payloads if isinstance(p, str)]

    def post(payload: str) -> Answer:
        return request(
            base,
            "POST",
            "/stripe/webhook/",
            {
                "Content-Type": "application/json",
                "Stripe-Signature": sign(payload, WEBHOOK_SECRET),
            },
            payload,
        )

    outage_began = time.monotonic()
    answers = in_parallel(post, payloads, args.senders)
    sent_in = time.monotonic() - outage_began
    time.sleep(max(0.0, args.outage - sent_in))
    mailbox.start()
    back = time.monotonic()
    expected = {g.email for g in started}
    while time.monotonic() - back < RECEIPT_WINDOW:
        if expected <= {recipient for _, recipient, _ in mailbox.messages}:
            break
        time.sleep(1)
    delivered = {r for t, r, _ in mailbox.messages if r in expected and t - back <= RECEIPT_WINDOW}
    per_recipient = [r for _, r, _ in mailbox.messages if r in expected]
    ok = [a for a in answers if isinstance(a, Answer)]
    return {
        "gifts": len(started),
        "events_sent": len(payloads),
        "webhook_p50_ms": percentile([a.seconds * 1000 for a in ok], 0.5),
        "webhook_p99_ms": percentile([a.seconds * 1000 for a in ok], 0.99),
        "webhook_statuses": sorted({a.status for a in ok}),
        "webhook_errors": len(answers) - len([a for a in ok if a.status < 500]),
        "receipts_delivered": len(delivered),
        "receipt_duplicates": len(per_recipient) - len(set(per_recipient)),
        "outage_seconds": round(back - outage_began, 1),
    }


# The run ---------------------------------------------------------------------------------------


def start_fake_stripe(args: argparse.Namespace) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fake_stripe",
            "--port",
            str(port),
            "--latency",
            str(args.latency),
            "--checkout-rate-limit",
            str(args.rate_limit),
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            request(base, "GET", "/_fake/state")
            return process, base
        except OSError:
            time.sleep(0.1)
    process.terminate()
    sys.exit("the fake Stripe did not start")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--donors", type=int, default=40)
    parser.add_argument("--latency", type=float, default=0.5, help="Stripe's answer, seconds")
    parser.add_argument("--rate-limit", type=int, default=25, help="Checkout Sessions a second")
    parser.add_argument("--seconds", type=int, default=20, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=32, help="wrk's, on the home page")
    parser.add_argument("--gifts", type=int, default=100, help="scenario 2's paid gifts")
    parser.add_argument("--senders", type=int, default=10, help="scenario 2's concurrent senders")
    parser.add_argument("--outage", type=int, default=60, help="seconds the SMTP server is down")
    parser.add_argument(
        "--front",
        choices=["varnish", "none"],
        default="none",
        help="varnish: the repo's Varnish in front of make serve, as in production",
    )
    parser.add_argument("--no-receipts", action="store_true", help="skip scenario 2")
    return parser.parse_args(argv)


def report(results: dict, args: argparse.Namespace) -> bool:
    calm, spiked, donors = results["calm"], results["spike"], results["donors"]
    print(f"\nMachine: {results['machine']}; database {results['database']}")
    print(f"In front of make serve: {results['front']}")
    print(
        f"Stripe latency {args.latency * 1000:.0f} ms, {args.rate_limit} Checkout Sessions/s; "
        f"{args.donors} donors; wrk {args.connections} connections, {args.seconds} s\n"
    )
    print(f"{'figure':<44} {'calm':>10} {'spike':>10}")
    print(f"{'home page requests/s':<44} {calm['rps']:>10.0f} {spiked['rps']:>10.0f}")
    print(f"{'home page p99 (ms)':<44} {calm['p99_ms']:>10.1f} {spiked['p99_ms']:>10.1f}")
    print(f"{'home page errors':<44} {calm['errors']:>10} {spiked['errors']:>10}")
    print(f"{'checkout starts/s':<44} {'':>10} {donors['starts_per_s']:>10.1f}")
    print(f"{'donors answered kindly, form kept':<44} {'':>10} {donors['kind']:>10}")
    print(
        f"{'tries Stripe refused (429), whole spike':<44} {'':>10} "
        f"{donors['refused_by_stripe']:>10}"
    )
    print(
        f"{'donor wait, form to Stripe, p50 / p99 (s)':<44} {'':>10} "
        f"{donors['p50_s']:>4.2f} / {donors['p99_s']:.2f}"
    )
    print(f"{'donor errors (5xx, resets, timeouts)':<44} {'':>10} {len(donors['errors']):>10}")
    if donors["errors"]:
        print(f"  {sorted(set(donors['errors']))}")
    for phase in ("calm", "spike"):
        used = results.get(f"{phase}_cpu_seconds", {})
        if used:
            print(
                f"CPU seconds, {phase} ({os.cpu_count()} cores x ~{args.seconds} s): "
                + ", ".join(f"{name} {seconds}" for name, seconds in used.items())
            )
    if used := results.get("calm_cpu_seconds"):
        per_hit = used["site"] / max(calm["rps"] * args.seconds, 1) * 1000
        print(f"  the site's CPU per calm home page: {per_hit:.2f} ms")
    print(f"\nOur own limit, one address and one email: {results['our_limit']}")
    checks = {
        "home p99 under the spike < 100 ms": spiked["p99_ms"] < 100,
        "home throughput under the spike >= 0.5 x calm": spiked["rps"] >= 0.5 * calm["rps"],
        ">= 20 checkout starts/s": donors["starts_per_s"] >= 20,
        "donor p99 < 2 s": donors["p99_s"] < 2,
        "0 errors": not donors["errors"] and not calm["errors"] and not spiked["errors"],
        "calm home p99 < 100 ms": calm["p99_ms"] < 100,
    }
    if "receipts" in results:
        r = results["receipts"]
        print(
            f"\nReceipts: {r['gifts']} gifts, {r['events_sent']} events from {args.senders} "
            f"senders while SMTP was down {r['outage_seconds']} s"
        )
        print(
            f"  webhook p50 / p99: {r['webhook_p50_ms']:.0f} / {r['webhook_p99_ms']:.0f} ms, "
            f"statuses {r['webhook_statuses']}, errors {r['webhook_errors']}"
        )
        print(
            f"  receipts delivered within {RECEIPT_WINDOW} s of SMTP's return: "
            f"{r['receipts_delivered']} of {r['gifts']}; duplicates {r['receipt_duplicates']}"
        )
        checks["webhook p99 < 100 ms"] = r["webhook_p99_ms"] < 100
        checks["every receipt delivered once"] = (
            r["receipts_delivered"] == r["gifts"] == args.gifts and r["receipt_duplicates"] == 0
        )
    print()
    for check, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {check}")
    return all(checks.values())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    workdir = Path(tempfile.mkdtemp(prefix="ijm-bench-spike-"))
    fake, stripe_base = start_fake_stripe(args)
    mailbox = Mailbox(free_port())
    extra = {
        "STRIPE_API_BASE": stripe_base,
        "STRIPE_SECRET_KEY": "sk_test_bench_spike",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_bench_spike",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mailbox.port),
        # Counters of its own: the repo's .rate-limits/ would carry one run's into the next.
        "RATE_LIMIT_CACHE_DIR": str(workdir / "rate-limits"),
    }
    if os.environ.get("REDIS_URL"):
        extra["REDIS_URL"] = os.environ["REDIS_URL"]
    print(f"Starting make serve (WEB_CONCURRENCY={os.environ.get('WEB_CONCURRENCY', '2')}) ...")
    site = front = None
    try:
        if args.front == "varnish":
            app_port = free_port()
            front = Varnish([Backend("127.0.0.1", app_port)]).start()
            extra["FRONTEND_CACHE_URL"] = front.url
            site = ServedSite(workdir, extra, port=app_port)
            base = front.url
            front.wait_until_healthy()
        else:
            site = ServedSite(workdir, extra)
            base = f"http://127.0.0.1:{site.port}"
        front_pid = front.process.pid if front else None
        home = request(base, "GET", "/").body
        donate = re.search(r'<a[^>]+href="([^"]+)"[^>]*>\s*Donate\b', home)
        if donate is None:
            sys.exit("no link whose text says Donate on the home page")
        donate_path = donate.group(1)
        for _ in range(20):  # each worker renders and stores its copy first
            request(base, "GET", "/")
            request(base, "GET", donate_path)
        results: dict = {
            "machine": machine(),
            "database": "PostgreSQL" if site.postgres else "SQLite",
            "front": "the repo's Varnish" if front else "nothing (make serve alone)",
        }
        print(f"calm: wrk -c{args.connections} -d{args.seconds}s /")
        cpu_before = cpu_snapshot(site.process.pid, fake.pid, front_pid)
        results["calm"] = wrk(base + "/", seconds=args.seconds, connections=args.connections)
        results["calm_cpu_seconds"] = cpu_used(
            cpu_before, cpu_snapshot(site.process.pid, fake.pid, front_pid)
        )
        print(f"spike: the same, with {args.donors} donors giving")
        cpu_before = cpu_snapshot(site.process.pid, fake.pid, front_pid)
        refused_before = stripe_get(stripe_base, "/_fake/state")["rate_limited"]
        spiked, tally = spike(base, donate_path, args.donors, args.seconds)
        refused_by_stripe = stripe_get(stripe_base, "/_fake/state")["rate_limited"] - refused_before
        results["spike_cpu_seconds"] = cpu_used(
            cpu_before, cpu_snapshot(site.process.pid, fake.pid, front_pid)
        )
        results["spike"] = spiked
        results["donors"] = {
            "started": len(tally.started),
            "starts_per_s": len(tally.started) / args.seconds,
            "kind": tally.kind,
            "refused_by_stripe": refused_by_stripe,
            "p50_s": percentile(tally.started, 0.5),
            "p99_s": percentile(tally.started, 0.99),
            "errors": tally.errors,
        }
        results["our_limit"] = our_limit_line(base, donate_path)
        if not args.no_receipts:
            print(f"receipts: {args.gifts} gifts, SMTP down for {args.outage} s ...")
            results["receipts"] = receipts(base, donate_path, stripe_base, mailbox, args)
    finally:
        mailbox.stop()
        if site is not None:
            site.stop()
        if front is not None:
            front.stop()
        fake.terminate()
        fake.wait(timeout=10)

    passed = report(results, args)
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "bench-spike.json").write_text(json.dumps(results, indent=2, default=str))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
