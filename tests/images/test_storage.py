"""The two stores keep, give back and delete pictures alike, by their random names only."""

import pytest

from forum.image_storage import make_storage


def test_a_picture_is_kept_given_back_and_deleted(store):
    store.put("AbCdEfGhIjKlMnOpQrSt.webp", b"RIFF-picture")
    assert store.get("AbCdEfGhIjKlMnOpQrSt.webp") == b"RIFF-picture"
    store.delete("AbCdEfGhIjKlMnOpQrSt.webp")
    assert store.get("AbCdEfGhIjKlMnOpQrSt.webp") is None
    store.delete("AbCdEfGhIjKlMnOpQrSt.webp")  # twice does no harm


@pytest.mark.parametrize(
    "name", ["../secret_key.webp", "a/b.webp", "short.webp", "x" * 20 + ".html"]
)
def test_only_random_picture_names_are_taken(store, name):
    with pytest.raises(ValueError):
        store.put(name, b"x")
    with pytest.raises(ValueError):
        store.get(name)


def test_configuration_chooses_the_store(tmp_path):
    local = make_storage({"IMAGE_STORAGE": "local", "IMAGE_FOLDER": str(tmp_path)}, "/nowhere")
    assert local.folder == tmp_path
    s3 = make_storage(
        {"IMAGE_STORAGE": "s3", "S3_BUCKET": "b", "S3_REGION": "eu-west-2",
         "S3_ENDPOINT_URL": "http://127.0.0.1:9"},
        "/nowhere",
    )  # fmt: skip
    assert s3.bucket == "b"
