"""Reading uploaded objects out of S3 notifications and S3 EventBridge events (as SQS message bodies)."""

from __future__ import annotations

import json
from urllib.parse import quote_plus

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foodsave.receipts.upload_events import (
    MalformedUploadEvent,
    UploadedObject,
    is_sqs_batch,
    objects_in_message,
)

KEYS = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=80)


def eventbridge_body(bucket: str, key: str, etag: str = "abc", size: int = 10) -> str:
    return json.dumps(
        {
            "version": "0",
            "detail-type": "Object Created",
            "source": "aws.s3",
            "detail": {
                "bucket": {"name": bucket},
                "object": {"key": key, "size": size, "etag": etag},
                "reason": "PostObject",
            },
        }
    )


def notification_body(bucket: str, *encoded_keys: str) -> str:
    records = [
        {"eventSource": "aws:s3", "s3": {"bucket": {"name": bucket}, "object": {"key": k, "eTag": "e"}}}
        for k in encoded_keys
    ]
    return json.dumps({"Records": records})


def test_an_eventbridge_object_created_event_names_its_object():
    body = eventbridge_body("b", "uploads/receipts/u/r.jpg", etag="x1", size=42)
    assert objects_in_message(body) == [UploadedObject("b", "uploads/receipts/u/r.jpg", "x1", 42)]


@given(KEYS)
def test_eventbridge_keys_are_taken_as_they_are(key):
    assert objects_in_message(eventbridge_body("b", key))[0].key == key


@given(KEYS)
def test_s3_notification_keys_are_url_decoded(key):
    assert objects_in_message(notification_body("b", quote_plus(key, safe="/")))[0].key == key


def test_an_s3_notification_body_may_announce_several_objects():
    objects = objects_in_message(notification_body("b", "a.jpg", "b+c.jpg"))
    assert [o.key for o in objects] == ["a.jpg", "b c.jpg"]


def test_the_s3_test_event_announces_nothing():
    assert objects_in_message(json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent"})) == []


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        "{}",
        json.dumps({"Records": []}),
        json.dumps({"Records": [{"s3": {}}]}),
        json.dumps({"source": "aws.s3", "detail-type": "Object Created", "detail": {"bucket": {}}}),
    ],
)
def test_a_message_without_an_object_is_malformed(body):
    with pytest.raises(MalformedUploadEvent):
        objects_in_message(body)


@given(
    st.one_of(
        st.text(max_size=200),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text(max_size=10),
            lambda inner: (
                st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
            ),
            max_leaves=10,
        ).map(json.dumps),
    )
)
def test_any_body_is_either_read_or_refused_as_malformed(body):
    try:
        result = objects_in_message(body)
    except MalformedUploadEvent:
        return
    assert all(isinstance(o, UploadedObject) and o.key for o in result)


def test_only_sqs_records_make_an_sqs_batch():
    assert is_sqs_batch({"Records": [{"eventSource": "aws:sqs", "body": "{}"}]})
    assert not is_sqs_batch({"Records": [{"eventSource": "aws:s3", "s3": {}}]})
    assert not is_sqs_batch({"Records": []})


@given(
    bucket=st.from_regex(r"[a-z0-9][a-z0-9.-]{2,20}", fullmatch=True),
    key=KEYS,
    etag=st.none() | st.text(st.sampled_from("0123456789abcdef"), min_size=1, max_size=32),
    size=st.none() | st.integers(min_value=0, max_value=10**9),
)
def test_a_redelivery_message_announces_exactly_the_object_it_was_made_for(bucket, key, etag, size):
    from foodsave.receipts.upload_events import redelivery_message

    obj = UploadedObject(bucket, key, etag, size)
    assert objects_in_message(json.dumps(redelivery_message(obj))) == [obj]
