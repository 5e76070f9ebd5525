"""Debian's Chromium, the one browser the tests, benchmarks and Lighthouse runs use.

Never a downloaded browser. As root in a container it needs --no-sandbox, and without the
background-networking flags it keeps trying to reach Google's hosts from a closed network.
"""

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
