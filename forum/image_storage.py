"""Where pictures are kept: a folder in the instance path, or S3-compatible object storage.

Both keep files under random names only (see services/uploads.py); neither is ever reached by a
browser directly: the forum serves every picture itself, with its own headers and access rules.
IMAGE_STORAGE chooses: "local" (the default, instance/images or IMAGE_FOLDER) or "s3" (S3_BUCKET,
with S3_ENDPOINT_URL for a service other than AWS, S3_REGION, S3_PREFIX; credentials from the
usual AWS variables or the host's role, never from the code).
"""

import os
import re
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app

NAME = re.compile(r"^[A-Za-z0-9_-]{16,64}\.webp$")


class Storage(Protocol):
    def put(self, name: str, data: bytes) -> None: ...

    def get(self, name: str) -> bytes | None: ...

    def delete(self, name: str) -> None: ...


def _checked(name: str) -> str:
    if not NAME.match(name):
        raise ValueError("not a stored picture's name")
    return name


class LocalStorage:
    """Files in one folder, written whole (to a temporary name, then renamed)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def put(self, name: str, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / _checked(name)
        partial = path.with_name(f".{name}.partial")
        partial.write_bytes(data)
        os.replace(partial, path)

    def get(self, name: str) -> bytes | None:
        try:
            return (self.folder / _checked(name)).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, name: str) -> None:
        (self.folder / _checked(name)).unlink(missing_ok=True)


class S3Storage:
    """Objects in a bucket, for several hosts sharing one store."""

    def __init__(self, bucket: str, prefix: str = "", **client_options) -> None:
        import boto3  # only where S3 is chosen

        self.bucket = bucket
        self.prefix = prefix
        self.client = boto3.client("s3", **client_options)

    def put(self, name: str, data: bytes) -> None:
        self.client.put_object(
            Bucket=self.bucket, Key=self.prefix + _checked(name), Body=data,
            ContentType="image/webp",
        )  # fmt: skip

    def get(self, name: str) -> bytes | None:
        try:
            answer = self.client.get_object(Bucket=self.bucket, Key=self.prefix + _checked(name))
        except self.client.exceptions.NoSuchKey:
            return None
        return answer["Body"].read()

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self.prefix + _checked(name))


def make_storage(config: dict, instance_path: str) -> Storage:
    if config["IMAGE_STORAGE"] == "s3":
        options = {
            "endpoint_url": config.get("S3_ENDPOINT_URL") or None,
            "region_name": config.get("S3_REGION") or None,
        }
        for name, key in (("aws_access_key_id", "S3_ACCESS_KEY_ID"),
                          ("aws_secret_access_key", "S3_SECRET_ACCESS_KEY")):  # fmt: skip
            if config.get(key):
                options[name] = config[key]
        return S3Storage(config["S3_BUCKET"], config.get("S3_PREFIX") or "", **options)
    return LocalStorage(config.get("IMAGE_FOLDER") or Path(instance_path) / "images")


def init_image_storage(app: Flask) -> None:
    app.extensions["image_storage"] = make_storage(app.config, app.instance_path)


def storage() -> Storage:
    return current_app.extensions["image_storage"]
