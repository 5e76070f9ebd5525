"""The public site through Varnish (deploy/varnish/site.vcl), in figures.

Starts Varnish (scripts/varnish.py) in front of `make serve` on spare ports (its own SQLite or,
with DATABASE_URL on PostgreSQL, its own database), with the app purging Varnish, then prints:

1. the crawl: every page in the sitemap fetched once through Varnish (all misses), then replayed
   with wrk for BENCH_SECONDS over BENCH_CONNECTIONS connections: Varnish's hit ratio,
   requests/s and p99; the pages Varnish must never keep (donate form, thank-you, search with a
   query, the monthly-gift sign-in) are fetched apart and must never be a hit;
2. the home page through Varnish against one app server serving it from its own page cache,
   the same wrk load one after the other;
3. a publish: a story's new title, published by another process (as an editor's request on
   another app server would), looked for at once through Varnish on the story, the story index
   and the home page: how long until every one shows it, and how many were stale.

Targets (issue 13): >= 95 % hits on the replayed crawl, home through Varnish >= 10 x the app
server's own page cache, a publish visible everywhere in <= 5 s, 0 stale pages.

Usage: .venv/bin/python -m scripts.bench_edge   (BENCH_SECONDS=10 BENCH_CONNECTIONS=32 to change)
"""

import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from defusedxml import ElementTree

from scripts.bench import CONNECTIONS, SECONDS, to_ms
from scripts.served_site import ROOT, ServedSite, free_port
from scripts.varnish import Backend, Varnish
from tests.fake_stripe import FakeStripeServer

HOST = "localhost"
NEVER_KEPT = [
    "/donate/",
    "/donate/thank-you/",
    "/search/?query=trafficking",
    "/monthly-gift/",
]
NEVER_KEPT += [f"/fil{path}" for path in NEVER_KEPT]  # the same pages in Filipino
CRAWL_LUA = """
local paths = {%(paths)s}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) hits = 0; misses = 0; other = 0; i = math.random(#paths) end
function request()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {Host = "%(host)s"})
end
function response(status, headers, body)
  local cache = headers["X-Cache"]
  if cache == "HIT" then hits = hits + 1
  elseif cache == "MISS" then misses = misses + 1
  else other = other + 1 end
end
function done(summary, latency, requests)
  local h, m, o = 0, 0, 0
  for _, t in ipairs(threads) do
    h = h + t:get("hits"); m = m + t:get("misses"); o = o + t:get("other")
  end
  io.write(string.format("XCACHE %%d %%d %%d\\n", h, m, o))
end
"""


def run_wrk(url: str, *, headers=(), script: Path | None = None) -> dict:
    command = ["wrk", "--threads", "2", "--connections", str(CONNECTIONS)]
    command += ["--duration", f"{SECONDS}s", "--latency"]
    for header in headers:
        command += ["--header", header]
    if script is not None:
        command += ["--script", str(script)]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=SECONDS + 60
    ).stdout
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(n) for n in match.groups())
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": to_ms(re.search(r"^\s*50%\s+(\S+)", out, re.MULTILINE).group(1)),
        "p99_ms": to_ms(re.search(r"^\s*99%\s+(\S+)", out, re.MULTILINE).group(1)),
        "errors": errors,
    }
    if match := re.search(r"XCACHE (\d+) (\d+) (\d+)", out):
        result["hits"], result["misses"], result["other"] = map(int, match.groups())
    return result


def sitemap_paths(base: str) -> list[str]:
    response = requests.get(f"{base}/sitemap.xml", headers={"Host": HOST}, timeout=30)
    response.raise_for_status()
    locations = ElementTree.fromstring(response.content).iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc"
    )
    paths = [re.sub(r"^[a-z]+://[^/]+", "", loc.text.strip()) for loc in locations]
    return ["/sitemap.xml", *paths]


def crawl(varnish: Varnish, workdir: Path) -> None:
    """The sitemap's pages Varnish may keep; those it may not (the donate form) go apart."""
    paths, cold, apart = [], [], list(NEVER_KEPT)
    for path in sitemap_paths(varnish.url):
        outcome = requests.get(varnish.url + path, headers={"Host": HOST}, timeout=30)
        if outcome.headers.get("X-Cache") == "PASS":
            apart += [] if path in apart else [path]
        else:
            paths.append(path)
            cold.append(outcome.headers.get("X-Cache"))
    script = workdir / "crawl.lua"
    script.write_text(CRAWL_LUA % {"paths": ", ".join(f'"{p}"' for p in paths), "host": HOST})
    replay = run_wrk(varnish.url, script=script)
    counted = replay["hits"] + replay["misses"] + replay["other"]
    print(f"Crawl: {len(paths)} pages Varnish may keep (the sitemap's, and the sitemap itself)")
    print(f"  first visit through Varnish: {cold.count('MISS')} misses, {cold.count('HIT')} hits")
    print(
        f"  replay ({SECONDS} s, {CONNECTIONS} connections): {replay['rps']:.0f} req/s, "
        f"p50 {replay['p50_ms']:.2f} ms, p99 {replay['p99_ms']:.2f} ms, "
        f"hit ratio {100 * replay['hits'] / counted:.2f} % "
        f"({replay['hits']} hits, {replay['misses']} misses, {replay['other']} other), "
        f"{replay['errors']} errors"
    )
    print("  never kept (reported apart; two visits each):")
    for path in apart:
        seen = [
            requests.get(
                varnish.url + path, headers={"Host": HOST}, timeout=30, allow_redirects=False
            )
            for _ in range(2)
        ]
        outcomes = [r.headers.get("X-Cache") for r in seen]
        print(
            f"    {path}: {seen[-1].status_code}, X-Cache {outcomes}, "
            f"Cache-Control {seen[-1].headers.get('Cache-Control')!r}"
        )


def home_page(varnish: Varnish, site: ServedSite) -> None:
    through_varnish = run_wrk(f"{varnish.url}/", headers=[f"Host: {HOST}"])
    app = run_wrk(f"{site.url}/", headers=["X-Forwarded-Proto: https"])
    print(f"Home page ({SECONDS} s each, {CONNECTIONS} connections, one after the other):")
    for name, figures in (("through Varnish", through_varnish), ("app's page cache", app)):
        print(
            f"  {name:17} {figures['rps']:9.0f} req/s, p50 {figures['p50_ms']:.2f} ms, "
            f"p99 {figures['p99_ms']:.2f} ms, {figures['errors']} errors"
        )
    print(f"  Varnish / app server: {through_varnish['rps'] / app['rps']:.1f} x")


PUBLISH = """
from pages.models import StoryPage
from pages.safeguarding import confirm_revision
story = StoryPage.objects.live().first()
story.title = {title!r}
revision = story.save_revision()
confirm_revision(revision, None)
revision.publish()
story.refresh_from_db()
print(story.url)
"""


def publish(varnish: Varnish, site: ServedSite, environment: dict) -> None:
    paths = ["/", "/stories/"]
    for path in paths:  # stored before the change
        for _ in range(2):
            requests.get(varnish.url + path, headers={"Host": HOST}, timeout=30)
    title = f"Freshly published {int(time.time())}"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PUBLISH.format(title=title)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    published_at = time.monotonic()
    paths.insert(0, result.stdout.strip().splitlines()[-1])
    stale_at_first_look = 0
    waiting = set(paths)
    first = True
    while waiting and time.monotonic() - published_at < 30:
        for path in sorted(waiting):
            body = requests.get(varnish.url + path, headers={"Host": HOST}, timeout=30).text
            if title in body:
                waiting.discard(path)
            elif first:
                stale_at_first_look += 1
        first = False
    elapsed = time.monotonic() - published_at
    print("Publish (another process, purging Varnish after commit):")
    print(
        f"  visible on {len(paths) - len(waiting)} of {len(paths)} pages ({', '.join(paths)}) "
        f"{elapsed * 1000:.0f} ms after the publish returned; stale at the first look: "
        f"{stale_at_first_look}"
    )


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="ijm-bench-edge-") as tmp:
        workdir = Path(tmp)
        app_port = free_port()
        with Varnish([Backend("127.0.0.1", app_port)], probe_host=HOST) as varnish:
            stripe = FakeStripeServer().start()  # so the donate page shows its form
            extra = {
                "FRONTEND_CACHE_URL": varnish.url,
                "STRIPE_API_BASE": stripe.url,
                "STRIPE_SECRET_KEY": "sk_test_bench",
                "STRIPE_PUBLISHABLE_KEY": "pk_test_bench",
                "STRIPE_WEBHOOK_SECRET": "whsec_bench",
            }
            site = ServedSite(workdir, extra_env=extra, port=app_port)
            try:
                environment = {
                    **os.environ,
                    "SECRET_KEY": "bench-edge-not-a-secret",
                    "ALLOWED_HOSTS": "localhost,127.0.0.1",
                    "DATABASE_URL": site.database_url,
                    "MEDIA_ROOT": str(workdir / "media"),
                    "FRONTEND_CACHE_URL": varnish.url,
                }
                environment.pop("DJANGO_SETTINGS_MODULE", None)
                varnish.wait_until_healthy()
                crawl(varnish, workdir)
                home_page(varnish, site)
                publish(varnish, site, environment)
            finally:
                site.stop()
                stripe.stop()


if __name__ == "__main__":
    main()
