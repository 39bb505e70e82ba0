"""s3: every file under a prefix of an S3-compatible bucket (AWS, MinIO, Backblaze...).

A path on a big shared host ("collateral freedom"): blocking the copy means
blocking the host.
"""

import mimetypes
import os
from pathlib import Path

from .base import DeployError, Kind, from_env

# Content types a browser needs right; the rest come from `mimetypes`.
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".svg": "image/svg+xml",
    ".ics": "text/calendar; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".minisig": "text/plain; charset=utf-8",
    ".pub": "text/plain; charset=utf-8",
    ".woff2": "font/woff2",
    ".car": "application/vnd.ipld.car",
    ".gz": "application/gzip",
    ".br": "application/x-brotli",
    ".zip": "application/zip",
    ".zim": "application/x-zim",
    ".pdf": "application/pdf",
    ".png": "image/png",
}
NAME_TYPES = {"SHA256SUMS": "text/plain; charset=utf-8", "CNAME": "text/plain; charset=utf-8"}


def content_type(relpath):
    name = relpath.rsplit("/", 1)[-1]
    if name in NAME_TYPES:
        return NAME_TYPES[name]
    suffix = os.path.splitext(name)[1].lower()
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


class S3(Kind):
    """bucket; prefix (""); endpoint_url (AWS when empty) or endpoint_url_env;
    region (us-east-1); access_key_env (AWS_ACCESS_KEY_ID); secret_key_env
    (AWS_SECRET_ACCESS_KEY); delete (true: remove stale keys under the prefix
    only); cache_control."""

    KIND = "s3"
    FIELDS = {
        "bucket": (str, None),
        "prefix": (str, ""),
        "endpoint_url": (str, ""),
        "endpoint_url_env": (str, None),
        "region": (str, "us-east-1"),
        "access_key_env": (str, "AWS_ACCESS_KEY_ID"),
        "secret_key_env": (str, "AWS_SECRET_ACCESS_KEY"),
        "delete": (bool, True),
        "cache_control": (str, None),
    }
    REQUIRED = (("bucket",),)

    @staticmethod
    def client(target):
        import boto3
        from botocore.config import Config

        endpoint = target.get("endpoint_url") or from_env(target, "endpoint_url_env", required=False) or None
        access = from_env(target, "access_key_env")
        secret = from_env(target, "secret_key_env")
        return boto3.client("s3", endpoint_url=endpoint, region_name=target.get("region") or "us-east-1",
                            aws_access_key_id=access, aws_secret_access_key=secret,
                            config=Config(retries={"max_attempts": 3}, s3={"addressing_style": "path"}))

    def deploy(self, output, target):
        from botocore.exceptions import BotoCoreError, ClientError

        bucket = target["bucket"]
        prefix = target.get("prefix", "").strip("/")
        prefix = prefix + "/" if prefix else ""
        files = output.upload_order()
        try:
            client = self.client(target)
            for relpath in files:
                extra = {"ContentType": content_type(relpath)}
                if target.get("cache_control"):
                    extra["CacheControl"] = target["cache_control"]
                client.upload_file(str(Path(output.path) / relpath), bucket, prefix + relpath, ExtraArgs=extra)
            removed = 0
            if target.get("delete"):
                wanted = {prefix + relpath for relpath in files}
                stale = []
                for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
                    stale += [item["Key"] for item in page.get("Contents", []) if item["Key"] not in wanted]
                for start in range(0, len(stale), 1000):
                    chunk = stale[start:start + 1000]
                    client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": key} for key in chunk]})
                removed = len(stale)
        except (BotoCoreError, ClientError) as exc:
            raise DeployError(f"S3 {bucket}/{prefix}: {exc}") from exc
        return f"uploaded {len(files)} files to s3://{bucket}/{prefix}, removed {removed} stale"
