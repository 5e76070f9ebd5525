"""The lean access logger writes exactly the line gunicorn's own logger would."""

import datetime
import logging

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from ijm_site import gunicorn_conf
from ijm_site.access_log import AccessLogger


class Response:
    status = "200 OK"
    sent = 5120
    headers = [("Content-Type", "text/html"), ("X-Cache", "HIT"), ("Set-Cookie", "csrftoken=x")]


class Request:
    headers = [("HOST", "www.example.org"), ("USER-AGENT", "phone"), ("COOKIE", "sessionid=s")]


ENVIRON = {
    "REQUEST_METHOD": "GET",
    "PATH_INFO": "/stories/",
    "QUERY_STRING": "email=donor%40example.org",
    "RAW_URI": "/stories/?email=donor%40example.org",
    "SERVER_PROTOCOL": "HTTP/1.1",
    "REMOTE_ADDR": "10.0.0.7",
    "HTTP_USER_AGENT": "phone",
}


def _line(logger_class, access_log_format: str) -> str:
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", access_log_format)
    logger = logger_class(config)
    logger.now = lambda: "[07/Dec/2026:03:00:00 +0000]"
    records = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    logger.access_log.handlers = [Keep()]
    logger.access(Response(), Request(), ENVIRON, datetime.timedelta(milliseconds=42))
    return records[0]


def test_our_format_gives_the_same_line_as_gunicorns_own_logger():
    ours = _line(AccessLogger, gunicorn_conf.access_log_format)
    assert ours == _line(Logger, gunicorn_conf.access_log_format)
    assert ours == '[07/Dec/2026:03:00:00 +0000] "GET /stories/" 200 5120 42ms cache=HIT'


@pytest.mark.parametrize("atom", ["%(a)s", "%(h)s", "%({cookie}i)s", "%(q)s"])
def test_a_format_with_other_atoms_gets_gunicorns_full_set(atom):
    access_log_format = f"{gunicorn_conf.access_log_format} {atom}"
    line = _line(AccessLogger, access_log_format)
    assert line == _line(Logger, access_log_format)
    assert not line.endswith(" -")


def test_the_served_site_uses_it():
    assert gunicorn_conf.logger_class == "ijm_site.access_log.AccessLogger"
