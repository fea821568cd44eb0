"""One contract for the ObjectStore port, run against the local folder adapter and S3 (moto)."""

from __future__ import annotations

import pytest
from moto import mock_aws

from foodsave.adapters.local import LocalObjectStore
from foodsave.errors import InvalidInput, NotFound, Unavailable


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


def test_put_if_absent_creates_once_and_never_overwrites(store):
    first = store.put_if_absent("indexes/u/v1/manifest.json", b"first", "application/json")
    assert first is not None and first.size == 5 and len(first.etag) == 32
    assert store.put_if_absent("indexes/u/v1/manifest.json", b"second") is None
    assert store.get("indexes/u/v1/manifest.json") == b"first"
    head = store.head("indexes/u/v1/manifest.json")
    assert head is not None and head.etag == first.etag
    assert store.list("indexes/u/") == ["indexes/u/v1/manifest.json"]


def test_put_if_absent_on_a_key_written_by_put_reports_it_taken(store):
    store.put("indexes/u/latest.json", b"{}")
    assert store.put_if_absent("indexes/u/latest.json", b"x") is None


def test_put_if_absent_lets_exactly_one_of_many_racing_writers_win(store):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda i: store.put_if_absent("claims/v7", str(i).encode()), range(16)))
    winners = [i for i, info in enumerate(results) if info is not None]
    assert len(winners) == 1
    assert store.get("claims/v7") == str(winners[0]).encode()


@pytest.mark.parametrize(
    ("code", "status"), [("PreconditionFailed", 412), ("ConditionalRequestConflict", 409)]
)
def test_s3_put_if_absent_maps_a_lost_condition_to_none(code, status):
    import boto3
    from botocore.stub import ANY, Stubber

    from foodsave.adapters.aws.objects import S3ObjectStore

    s3 = boto3.client("s3", region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="x")
    params = {"Bucket": "bucket-under-test", "Key": "k", "Body": ANY, "IfNoneMatch": "*"}
    with Stubber(s3) as stub:
        stub.add_client_error("put_object", code, http_status_code=status, expected_params=params)
        stub.add_client_error("put_object", "AccessDenied", http_status_code=403, expected_params=params)
        store = S3ObjectStore(s3, "bucket-under-test")
        assert store.put_if_absent("k", b"x") is None
        with pytest.raises(Unavailable):
            store.put_if_absent("k", b"x")


def test_s3_delete_prefix_reports_objects_that_s3_refused_to_delete():
    """DeleteObjects answers 200 even when keys are refused (AccessDenied per key): those objects are still
    there, and deleting the prefix fails rather than counting them gone."""
    import boto3
    from botocore.stub import ANY, Stubber

    from foodsave.adapters.aws.objects import S3ObjectStore

    s3 = boto3.client("s3", region_name="eu-central-1", aws_access_key_id="x", aws_secret_access_key="x")
    listing = {"Contents": [{"Key": "indexes/user-u1/v1/index.faiss"}], "KeyCount": 1, "IsTruncated": False}
    refused = {"Errors": [{"Key": "indexes/user-u1/v1/index.faiss", "Code": "AccessDenied", "Message": "no"}]}
    with Stubber(s3) as stub:
        stub.add_response(
            "list_objects_v2", listing, {"Bucket": "bucket-under-test", "Prefix": "indexes/user-u1/"}
        )
        stub.add_response("delete_objects", refused, {"Bucket": "bucket-under-test", "Delete": ANY})
        with pytest.raises(Unavailable, match="AccessDenied"):
            S3ObjectStore(s3, "bucket-under-test").delete_prefix("indexes/user-u1/")
