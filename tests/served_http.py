"""A small HTTP client for tests against served sites (make serve, make cluster).

The served site runs with DEBUG off behind a TLS proxy, so its cookies are ``Secure`` and it
redirects plain HTTP: this client says ``X-Forwarded-Proto: https`` as the proxy would (only a
trusted loopback proxy may), keeps cookies itself (Python's cookie jar would hold back secure
cookies over http://), and sends an ``Origin`` so Django's CSRF check for HTTPS requests passes
as it does for a browser. ``cookies`` can be handed to a client for another server of the same
site: that is what a load balancer does to a visitor's requests.
"""

import re
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def csrf_token(self) -> str:
        match = CSRF_INPUT.search(self.text)
        assert match, "the page has no CSRF token"
        return match.group(1)


@dataclass
class SiteClient:
    base_url: str
    cookies: dict = field(default_factory=dict)

    def request(self, method: str, path: str, data: bytes | None = None, headers=None) -> Answer:
        netloc = urlsplit(self.base_url).netloc
        sent = {"X-Forwarded-Proto": "https", "Origin": f"https://{netloc}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        request = urllib.request.Request(
            self.base_url.rstrip("/") + path, data=data, method=method, headers=sent
        )
        try:
            with _opener.open(request, timeout=60) as response:
                answer = Answer(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            answer = Answer(error.code, error.headers, error.read())
        for header in answer.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return answer

    def get(self, path: str, headers=None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, fields: dict, files: dict | None = None) -> Answer:
        if files:
            body, content_type = multipart(fields, files)
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request("POST", path, data=body, headers={"Content-Type": content_type})

    def log_in_to_admin(self, username: str, password: str) -> None:
        token = self.get("/admin/login/").csrf_token()
        answer = self.post(
            "/admin/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        assert answer.status == 302, f"admin login failed: {answer.status}"


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """``files`` maps a field name to (filename, content type, bytes)."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            .encode()
        )  # fmt: skip
    for name, (filename, content_type, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
