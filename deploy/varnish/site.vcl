# Stand-in VCL for `make cluster` (scripts/cluster_varnish.py), until the HTTP-cache work (issue 13,
# item 1) brings the site's own: it balances, it does not yet purge. So it keeps only what the app
# explicitly lets a shared cache keep (a Cache-Control header: static files) and passes everything
# else, which can therefore never go stale behind a publish.
#
# `include "backends.vcl"` is written next to a copy of this file for each run: the app servers,
# their health probe, the director, and `sub ijm_backend` that picks one.
vcl 4.1;

import directors;

include "backends.vcl";

sub vcl_recv {
    call ijm_backend;
    # Varnish stands in for the TLS proxy: the app sees every request as HTTPS.
    set req.http.X-Forwarded-Proto = "https";
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    if (req.url ~ "^/(admin|stripe|monthly-gift|documents)/") {
        return (pass);
    }
    # The built-in vcl_recv then passes anything with a Cookie or Authorization header.
}

sub vcl_backend_response {
    if (!beresp.http.Cache-Control) {
        # Nothing said it may be shared: never kept, and asked for afresh each time.
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
}

sub vcl_backend_error {
    # An app server that died between two probes: a GET or HEAD tries the next one once.
    if (bereq.retries < 1 && (bereq.method == "GET" || bereq.method == "HEAD")) {
        return (retry);
    }
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Varnish-Cache = "HIT";
    } else {
        set resp.http.X-Varnish-Cache = "MISS";
    }
}
