# The HTTP cache in front of the app servers (README, "HTTP cache in front").
#
# Written for Varnish 7.1 (Debian 12). Started by scripts/varnish.py, which copies this file into
# Varnish's working directory and writes beside it:
#   backends.vcl  the app servers, their health probe, a director, and `sub ijm_backend`;
#   purgers.vcl   extra addresses allowed to PURGE and BAN (one `"address"/bits;` a line).
#
# What it keeps: only answers the app marks `public` (Cache-Control: public, max-age=0,
# s-maxage=N, from ijm_site/page_cache.py), static files and image renditions. Everything a
# visitor owns (a session, a CSRF token, a form, the admin, Stripe's webhook, documents, search
# results) goes straight to an app server. Purges come from Wagtail (ijm_site/frontend_cache.py).

vcl 4.1;

import std;

include "backends.vcl";

acl purgers {
    "127.0.0.1";
    "::1";
    include "purgers.vcl";
}

sub vcl_recv {
    call ijm_backend;

    if (!req.http.host) {
        return (synth(400, "Host header required"));
    }
    # One object per page whatever spelling of the host the visitor used, and purges sent with
    # the Site's hostname (no port) find it: lower case, no port.
    set req.http.X-Cache-Host = std.tolower(regsub(req.http.host, ":[0-9]+$", ""));
    if (req.url ~ "^[a-zA-Z]+://") {
        set req.url = regsub(req.url, "^[a-zA-Z]+://[^/]*", "");
    }

    # PURGE: every stored copy of one path, whatever its query (a listing's other pages), its
    # variant or the host it was stored under: the site answers to a few spellings of its name
    # (www. or not, 127.0.0.1 on a test machine) and a purge names only the Site's hostname, so a
    # purge that also empties another site's same path costs a miss, never a stale page. A ban
    # on a plain header, so it is checked at lookup at once and the ban lurker frees the memory.
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "PURGE not allowed from this address"));
        }
        if (std.ban("obj.http.X-Ban-Path == " + regsub(req.url, "\?.*$", ""))) {
            return (synth(200, "Purged"));
        }
        return (synth(400, std.ban_error()));
    }
    # BAN: a site-wide change (a setting, an image, a redirect, the site itself). The host's
    # objects, or every object with `X-Ban-All: 1`.
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "BAN not allowed from this address"));
        }
        if (req.http.X-Ban-All) {
            if (std.ban("obj.status != 0")) {
                return (synth(200, "Banned everything"));
            }
        } else if (std.ban("obj.http.X-Ban-Host == " + req.http.X-Cache-Host)) {
            return (synth(200, "Banned host"));
        }
        return (synth(400, std.ban_error()));
    }

    # In place of the TLS proxy. With a real TLS proxy in front of Varnish, delete this line so
    # the proxy's own header passes through (and list Varnish in the app's TRUSTED_PROXIES when
    # it is not on the app server's machine).
    set req.http.X-Forwarded-Proto = "https";

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.http.Authorization) {
        return (pass);
    }
    if (req.url ~ "^/(admin|stripe|documents)(/|\?|$)") {
        return (pass);
    }
    # What a visitor typed into search: private, and a new object for every query.
    if (req.url ~ "^(/[a-z]{2,3}(-[a-z0-9]+)?)?/search/\?(.*&)?query=[^&]") {
        return (pass);
    }
    # A visitor with a session, a CSRF token (a form) or a flash message gets their own page.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|csrftoken|messages)=") {
        return (pass);
    }
    # Any other cookie (analytics) changes nothing the site shows.
    unset req.http.Cookie;

    # The marketing tags the app ignores too (settings.PAGE_CACHE_IGNORED_QUERY_PARAMS), then
    # the parameters in a stable order, so every variant of a link shares one object.
    set req.url = regsuball(req.url,
        "(?i)([?&])(utm_[^=&]*|fbclid|gclid|gbraid|wbraid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl)(=[^&]*)?(?=&|$)",
        "\1");
    set req.url = regsuball(req.url, "&&+", "&");
    set req.url = regsub(req.url, "\?&", "?");
    set req.url = regsub(req.url, "[?&]+$", "");
    set req.url = std.querysort(req.url);

    # Objects past their time are served while a fresh copy is fetched: for 10 s while the app
    # servers are healthy, for up to a day while none is (see beresp.grace).
    if (std.healthy(req.backend_hint)) {
        set req.grace = 10s;
    }
    # The app servers render for the canonical host, so a stored page never carries a port or
    # spelling a visitor chose.
    set req.http.host = req.http.X-Cache-Host;
    return (hash);
}

sub vcl_hash {
    hash_data(req.url);
    hash_data(req.http.X-Cache-Host);
    return (lookup);
}

sub vcl_backend_fetch {
    unset bereq.http.X-Cache-Host;
}

sub vcl_backend_response {
    # What PURGE and BAN match on (removed again before delivery).
    set beresp.http.X-Ban-Host = std.tolower(regsub(bereq.http.host, ":[0-9]+$", ""));
    set beresp.http.X-Ban-Path = regsub(bereq.url, "\?.*$", "");
    set beresp.grace = 24h;

    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);  # keep serving the stale copy
    }
    # Only what the app says a shared cache may keep: `public`, no cookie.
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control !~ "(?i)(^|,)\s*public\s*(,|$)"
        || beresp.http.Cache-Control ~ "(?i)private|no-store|no-cache") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        set beresp.grace = 0s;
        return (deliver);
    }
    return (deliver);
}

sub vcl_backend_error {
    # An app server that died between two probes: a GET or HEAD tries the next one once, so a
    # visitor does not see the failure while the probe has yet to mark it down.
    if (bereq.retries < 1 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
}

sub vcl_deliver {
    if (resp.http.X-Cache) {
        set resp.http.X-App-Cache = resp.http.X-Cache;
    }
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.X-Ban-Host;
    unset resp.http.X-Ban-Path;
    unset resp.http.X-Varnish;
    unset resp.http.Via;
}
