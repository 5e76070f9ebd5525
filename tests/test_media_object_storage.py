"""Media in an S3-compatible bucket (MEDIA_BUCKET): private originals, public renditions.

A real local S3 server (moto's server mode, the ``s3test`` extra) listens on loopback; the site
runs as `make serve` does, with the bucket's variables set, and everything goes through real
HTTP: an editor uploads through the admin, a visitor reads the page and its pictures, anyone may
try the bucket's addresses without credentials.
"""

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from html import unescape
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image

from scripts.served_site import ROOT, ServedSite, free_port
from tests.served_http import SiteClient
from tests.test_images_privacy import _assert_no_metadata, gps_jpeg

BUCKET = "ijm-test-media"
ADMIN = ("storage-admin", "a long test password 4 storage")
IMAGE_URL = re.compile(r'(?:src|srcset)="([^"]+)"')


@pytest.fixture(scope="module")
def s3():
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",  # noqa: S106 - moto accepts any
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


@pytest.fixture(scope="module")
def site(s3, tmp_path_factory):
    endpoint, _ = s3
    media_env = {
        "MEDIA_BUCKET": BUCKET,
        "MEDIA_ENDPOINT_URL": endpoint,
        "MEDIA_REGION": "us-east-1",
        "MEDIA_ADDRESSING_STYLE": "path",
        "MEDIA_ACCESS_KEY_ID": "test-key",
        "MEDIA_SECRET_ACCESS_KEY": "test-secret",
    }
    served = ServedSite(tmp_path_factory.mktemp("bucket-site"), extra_env=media_env)
    served.manage_env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        **media_env,
        "DEBUG": "0",
        "SECRET_KEY": "only-for-manage-commands-in-this-test",
        "ALLOWED_HOSTS": "localhost",
        "DATABASE_URL": served.database_url,
        "DJANGO_SUPERUSER_PASSWORD": ADMIN[1],
    }
    manage(served, "createsuperuser", "--noinput", "--username", ADMIN[0], "--email", "a@b.org")
    yield served
    served.stop()


def manage(site, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=site.manage_env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def anonymous_get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def stored_keys(client, prefix: str) -> list[str]:
    listing = client.list_objects_v2(Bucket=BUCKET, Prefix=prefix)
    return [item["Key"] for item in listing.get("Contents", [])]


@pytest.fixture(scope="module")
def editor(site):
    client = SiteClient(site.url)
    client.log_in_to_admin(*ADMIN)
    return client


@pytest.fixture(scope="module")
def uploaded_image(site, editor):
    token = editor.get("/admin/images/add/").csrf_token()
    answer = editor.post(
        "/admin/images/add/",
        {
            "csrfmiddlewaretoken": token,
            "title": "Survivors' art",
            "description": "Paintings made in a shelter's art class",
            "collection": "1",
            "tags": "",
        },
        files={"file": ("art-class.jpg", "image/jpeg", gps_jpeg())},
    )
    assert answer.status == 302, answer.text[:3000]
    (name,) = site.query("SELECT file FROM pages_siteimage WHERE title = %s", ("Survivors' art",))
    return name[0]


def test_an_original_uploaded_through_the_admin_is_private_in_the_bucket_and_clean(
    s3, uploaded_image
):
    endpoint, client = s3
    key = f"private/{uploaded_image}"
    assert key in stored_keys(client, "private/original_images/")
    status, _, _ = anonymous_get(f"{endpoint}/{BUCKET}/{key}")
    assert status == 403
    stored = client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    _assert_no_metadata(stored)
    assert not stored_keys(client, "public/original_images/")


def test_the_pages_pictures_come_public_and_clean_from_the_bucket_and_the_csp_allows_them(
    s3, site, uploaded_image
):
    endpoint, client = s3
    manage(
        site,
        "shell",
        "-c",
        "from pages.models import HomePage; from pages.images import SiteImage; "
        "home = HomePage.objects.get(locale__language_code='en'); "
        'home.hero_image = SiteImage.objects.get(title="Survivors\' art"); '
        "home.save_revision().publish()",
    )
    visitor = SiteClient(site.url)
    page = visitor.get("/")
    assert page.status == 200
    urls = {
        candidate.split()[0]
        for found in IMAGE_URL.findall(page.text)
        for candidate in unescape(found).split(",")
        if "/public/images/" in candidate
    }
    assert urls, "the home page shows no rendition from the bucket"
    img_src = re.search(r"img-src ([^;]+)", page.headers["Content-Security-Policy"]).group(1)
    for url in urls:
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(url))
        assert origin == endpoint and origin in img_src.split(), (url, img_src)
        status, headers, body = anonymous_get(url)
        assert status == 200, url
        assert headers["Cache-Control"] == "public, max-age=604800"
        with Image.open(BytesIO(body)) as picture:
            assert picture.size[0] > 0
        _assert_no_metadata(body)
    renditions = stored_keys(client, "public/images/")
    assert {urlsplit(url).path.removeprefix(f"/{BUCKET}/") for url in urls} <= set(renditions)
    assert not stored_keys(client, "private/images/")


def test_a_document_streams_from_the_private_prefix_through_wagtails_view(s3, site, editor):
    endpoint, client = s3
    content = b"Annual report\n" + os.urandom(300_000).hex().encode()
    token = editor.get("/admin/documents/add/").csrf_token()
    answer = editor.post(
        "/admin/documents/add/",
        {"csrfmiddlewaretoken": token, "title": "Annual report", "collection": "1", "tags": ""},
        files={"file": ("annual-report.txt", "text/plain", content)},
    )
    assert answer.status == 302, answer.text[:3000]
    ((document_id, name),) = site.query(
        "SELECT id, file FROM wagtaildocs_document WHERE title = %s", ("Annual report",)
    )
    assert f"private/{name}" in stored_keys(client, "private/documents/")
    status, _, _ = anonymous_get(f"{endpoint}/{BUCKET}/private/{name}")
    assert status == 403

    download = SiteClient(site.url).get(f"/documents/{document_id}/{Path(name).name}")
    assert download.status == 200
    assert download.body == content
    assert download.headers["Content-Length"] == str(len(content))
    assert download.headers["Content-Security-Policy"] == "default-src 'none'"
    assert endpoint not in json.dumps(dict(download.headers))  # no bucket address handed out


def test_a_cdn_address_names_the_renditions_joins_img_src_and_private_urls_carry_no_signature():
    """MEDIA_PUBLIC_URL (a CDN or custom domain in front of the bucket) as settings read it."""
    script = (
        "import django, json; django.setup(); from django.conf import settings; "
        "from django.core.files.storage import storages; print(json.dumps(["
        "storages['renditions'].url('images/a.fill-480x270.webp'), "
        "storages['default'].url('original_images/a.jpg'), "
        "settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']]))"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(
        DJANGO_SETTINGS_MODULE="ijm_site.settings", SECRET_KEY="x", ALLOWED_HOSTS="localhost",
        MEDIA_BUCKET="ijm-media", MEDIA_REGION="ap-southeast-1",
        MEDIA_PUBLIC_URL="https://media.example.org/", AWS_ACCESS_KEY_ID="k",
        AWS_SECRET_ACCESS_KEY="s",
    )  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rendition, original, img_src = json.loads(result.stdout.strip().splitlines()[-1])
    assert rendition == "https://media.example.org/public/images/a.fill-480x270.webp"
    assert "https://media.example.org" in img_src
    assert original.startswith("https://ijm-media.s3")
    assert original.endswith("/private/original_images/a.jpg")
    assert "?" not in original  # unsigned: the bucket refuses it, and nobody hands it out
