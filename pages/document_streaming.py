"""Documents in object storage stream through Wagtail's serve view, chunk by chunk.

With WAGTAILDOCS_SERVE_METHOD = "serve_view" every download passes Wagtail's privacy checks
(collection view restrictions) and no visitor is ever handed a bucket URL, signed or not. For a
storage without local paths Wagtail then answers ``FileResponse(doc.file)``, and django-storages'
S3 file reads the whole object into memory before the first byte goes out: a 50 MB annual report
would hold 50 MB per download. This hook runs after Wagtail's own checks (``order``) and, for a
bucket, streams the object's body as it arrives, with the headers Wagtail's view would set.
"""

from django.http import HttpResponseNotModified, StreamingHttpResponse
from wagtail.documents.models import document_served

CHUNK_BYTES = 64 * 1024
ORDER_AFTER_PRIVACY_CHECKS = 100


def _object_in_bucket(document):
    """The boto3 object behind the document's file, or None when the file is on a local disk."""
    try:
        document.file.path  # noqa: B018 - a local file: Wagtail's own sendfile serves it
        return None
    except NotImplementedError:
        pass
    stored = document.file.file  # django-storages' S3File: one HEAD request, no download yet
    return getattr(stored, "obj", None)


def stream_document_from_bucket(document, request):
    stored = _object_in_bucket(document)
    if stored is None:
        return None
    etag = f'"{document.file_hash}"' if document.file_hash else ""
    if etag and etag in request.headers.get("If-None-Match", ""):
        return HttpResponseNotModified(headers={"ETag": etag})
    body = stored.get()["Body"]
    response = StreamingHttpResponse(
        body.iter_chunks(CHUNK_BYTES), content_type=document.content_type
    )
    response._resource_closers.append(body.close)
    response["Content-Length"] = str(stored.content_length)
    response["Content-Disposition"] = document.content_disposition
    response["Content-Security-Policy"] = "default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    if etag:
        response["ETag"] = etag
    document_served.send(sender=type(document), instance=document, request=request)
    return response
