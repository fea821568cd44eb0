"""One contract for the ObjectStore port, run against the local folder adapter and S3 (moto)."""

from __future__ import annotations

import pytest
from moto import mock_aws

from foodsave.adapters.local import LocalObjectStore
from foodsave.errors import InvalidInput, NotFound


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        yield LocalObjectStore(tmp_path / "objects", "bucket-under-test")
        return
    with mock_aws():
        import boto3

        from foodsave.adapters.aws.objects import S3ObjectStore

        s3 = boto3.client("s3", region_name="eu-central-1")
        s3.create_bucket(
            Bucket="bucket-under-test", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
        yield S3ObjectStore(s3, "bucket-under-test")


def test_put_then_get_returns_the_same_bytes_and_an_md5_etag(store):
    info = store.put("uploads/receipts/u1/r1.jpg", b"\xff\xd8\xffdata", "image/jpeg")
    assert store.get("uploads/receipts/u1/r1.jpg") == b"\xff\xd8\xffdata"
    assert info.etag == "a95e83df4a2cbe2a4c01a2a6b0ab2b29" or len(info.etag) == 32
    head = store.head("uploads/receipts/u1/r1.jpg")
    assert head is not None and head.size == 7 and head.etag == info.etag


def test_missing_object_is_not_found_and_head_is_none(store):
    with pytest.raises(NotFound):
        store.get("nope/missing.txt")
    assert store.head("nope/missing.txt") is None


def test_list_and_delete_prefix_touch_only_that_prefix(store):
    for key in ("indexes/a/v1/x", "indexes/a/v2/y", "indexes/b/v1/z"):
        store.put(key, b"1")
    assert store.list("indexes/a/") == ["indexes/a/v1/x", "indexes/a/v2/y"]
    assert store.delete_prefix("indexes/a/") == 2
    assert store.list("indexes/") == ["indexes/b/v1/z"]


def test_download_to_writes_a_local_file(store, tmp_path):
    store.put("indexes/r/v1/index.faiss", b"faiss-bytes")
    path = store.download_to("indexes/r/v1/index.faiss", tmp_path / "cache" / "index.faiss")
    assert path.read_bytes() == b"faiss-bytes"


def test_presigned_post_names_the_key_and_limits(store):
    slot = store.presigned_post("uploads/receipts/u1/r2.png", ("image/png",), 10 * 1024 * 1024, 600)
    assert slot.key == "uploads/receipts/u1/r2.png"
    assert slot.fields["key"] == "uploads/receipts/u1/r2.png"
    assert slot.url.startswith("http")


def test_local_keys_cannot_escape_the_bucket(tmp_path):
    store = LocalObjectStore(tmp_path / "objects", "b")
    for key in ("../etc/passwd", "/abs", "a/../../b", "a\\b", "x\x00y", ""):
        with pytest.raises(InvalidInput):
            store.put(key, b"x")


def test_local_upload_policy_rejects_tampering(tmp_path):
    store = LocalObjectStore(tmp_path / "objects", "b")
    slot = store.presigned_post("uploads/documents/u/d.txt", ("text/plain",), 100, 60)
    assert (
        store.verify_policy(slot.fields["policy"], slot.fields["signature"])["key"]
        == "uploads/documents/u/d.txt"
    )
    with pytest.raises(InvalidInput):
        store.verify_policy(slot.fields["policy"], "0" * 64)
