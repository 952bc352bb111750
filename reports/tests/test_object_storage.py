"""Report files in S3-compatible object storage (FILE_STORAGE=s3), against a real S3 server
(moto in server mode, on a loopback port) rather than a mock of the client: the worker's
PDF lands in the bucket, the download streams it back through the access check, and
retention deletes the object."""

import io
import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from privacy import services as privacy
from reports.models import ReportJob
from reports.services import report_render, report_request

pytestmark = pytest.mark.django_db

BUCKET = "partnerskab-test"


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_server, settings):
    import boto3

    options = {
        "bucket_name": BUCKET,
        "endpoint_url": s3_server,
        "region_name": "eu-north-1",
        "access_key": "test-key",
        "secret_key": "test-secret",
        "location": "partnerskab",
        "addressing_style": "path",
        "default_acl": "private",
        "file_overwrite": False,
        "querystring_auth": True,
    }
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="eu-north-1",
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    client.create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-north-1"}
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


@pytest.mark.pdf
def test_a_report_is_stored_in_the_bucket_downloaded_and_deleted_by_retention(
    tenants, bucket, settings
):
    hr = tenants["hr"]
    job = report_request(by=hr, kind="competence_plan", subject=tenants["plan_a"], language="da")
    report_render(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE, job.error
    (key,) = keys(bucket)
    assert key == f"partnerskab/{job.file.name}"
    assert key.endswith(".pdf")
    stored = bucket.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    assert stored.startswith(b"%PDF-")
    # Private: the object cannot be read without credentials.
    acl = bucket.get_object_acl(Bucket=BUCKET, Key=key)
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]

    client = Client()
    client.force_login(hr)
    response = client.get(reverse("reports:download", args=[job.pk]))
    assert response.status_code == 200
    downloaded = b"".join(response.streaming_content)
    assert downloaded == stored
    assert PdfReader(io.BytesIO(downloaded)).pages
    # Someone of another company gets no file out of the bucket.
    other = Client()
    other.force_login(tenants["other_hr"])
    assert other.get(reverse("reports:download", args=[job.pk])).status_code == 404

    # Retention deletes the object once the job has expired.
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "report_files": 0}
    ReportJob.objects.filter(pk=job.pk).update(expires_at=job.created_at)
    assert privacy.apply_retention()["report_files"] == 1
    assert keys(bucket) == []
    job.refresh_from_db()
    assert not job.file


def test_file_storage_s3_configures_django_storages_and_names_a_missing_bucket():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "S3_"))},
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_DEBUG": "true",
        "FILE_STORAGE": "s3",
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.STORAGES['default']['BACKEND'], "
        "settings.STORAGES['default']['OPTIONS']['bucket_name'])"
    )

    def run(**extra):
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=settings.BASE_DIR,
            env={**env, **extra},
            capture_output=True,
            text=True,
        )

    configured = run(S3_BUCKET="skolen-filer")
    assert configured.stdout.split() == ["storages.backends.s3.S3Storage", "skolen-filer"]
    missing = run()
    assert missing.returncode != 0
    assert "S3_BUCKET" in missing.stderr
    unknown = run(FILE_STORAGE="ftp")
    assert "FILE_STORAGE must be 'local' or 's3'" in unknown.stderr
