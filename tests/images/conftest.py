"""Both picture stores, for every picture test: the local folder, and S3 as served by a real
S3-compatible HTTP server on a free local port (moto's server: no S3 server installs from the
package registries; MinIO and its kin ship as binaries of their own)."""

from datetime import timedelta

import pytest

from forum.database import db, utcnow
from forum.image_storage import LocalStorage, S3Storage
from forum.queue import init_queue
from tests import factories
from tests.helpers import free_port

BUCKET = "blossom-pictures"


@pytest.fixture(scope="session")
def s3_server():
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    store = S3Storage(
        BUCKET, prefix="pictures/", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1",
        aws_access_key_id="blossom-test", aws_secret_access_key="blossom-test-secret",  # noqa: S106
    )  # fmt: skip
    store.client.create_bucket(Bucket=BUCKET)
    yield store
    server.stop()


@pytest.fixture(params=["local", "s3"])
def store(request, app, tmp_path):
    """The app keeps this test's pictures in the store named by the parameter."""
    if request.param == "s3":
        chosen = request.getfixturevalue("s3_server")
    else:
        chosen = LocalStorage(tmp_path / "images")
    before = app.extensions["image_storage"]
    app.extensions["image_storage"] = chosen
    # The queue runs its tasks in the app created last: here, this test's app and store.
    init_queue(app)
    yield chosen
    app.extensions["image_storage"] = before


def seasoned(username: str, **profile):
    """A member whose account is older than a day: she may add photos."""
    user = factories.member(username, **profile)
    user.created_at = utcnow() - timedelta(days=3)
    db.session.commit()
    return user
