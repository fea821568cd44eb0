"""The demo story with the AWS adapters against moto: API Gateway v2 events into the function handlers, S3
notifications to the OCR handler, SQS batches to the index builder, the EventBridge schedule to the evaluator,
and published events read back from an SQS sink behind an EventBridge rule."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from devkit.demo import DOCUMENT, QUESTION, receipt_files
from foodsave.runtime import events
from foodsave.runtime.context import LocalLambdaContext
from foodsave.runtime.handlers import load_handler

REGION = "eu-central-1"
BUCKET = "foodsave-uploads-test"
BUS = "foodsave-test"
SUB = "5f0c7a52-aws-story-user"
DOC_QUESTION = "Co mówią moje notatki o przechowywaniu chleba?"
STORY_START = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
WARSAW = ZoneInfo("Europe/Warsaw")
# Which Lambda function serves a path prefix (foodsave.api.apps.FUNCTION_ROUTERS).
ROUTES = {
    "/v1/search": "vector-search",
    "/v1/documents": "vector-search",
    "/v1/notifications": "alert-evaluator",
    "/v1/alerts": "alert-evaluator",
    "/v1/status": "alert-evaluator",
}


@dataclass
class Aws:
    s3: Any
    sqs: Any
    index_queue: str
    dlq: str
    sink: str
    services: Any
    user_id: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def api(self, method: str, path: str, body: Any = None, query: str = "") -> tuple[int, Any]:
        """One API Gateway HTTP API request, signed in as SUB, through the function that owns the route."""
        function = next((f for prefix, f in ROUTES.items() if path.startswith(prefix)), "agent-chat")
        event = events.http_api_request(method, path, sub=SUB, body=body, query=query)
        out = load_handler(function)(event, LocalLambdaContext(function_name=f"foodsave-{function}"))
        text = out.get("body") or ""
        return int(out["statusCode"]), (json.loads(text) if text else None)

    def s3_notify_ocr(self, key: str) -> dict[str, Any]:
        """What S3 does after an upload: ObjectCreated to the ocr function, with the object's real ETag."""
        head = self.s3.head_object(Bucket=BUCKET, Key=key)
        event = events.s3_object_created(BUCKET, key, head["ETag"], int(head["ContentLength"]))
        return dict(load_handler("ocr")(event, LocalLambdaContext(function_name="foodsave-ocr")))

    def drain_index_queue(self) -> list[dict[str, Any]]:
        """The SQS event source mapping: receive a batch, invoke the builder, delete what it did not fail."""
        outcomes = []
        for _ in range(5):
            got = self.sqs.receive_message(
                QueueUrl=self.index_queue, MaxNumberOfMessages=10, AttributeNames=["All"]
            ).get("Messages", [])
            if not got:
                break
            batch = events.sqs_batch(
                events.sqs_record(
                    m["Body"],
                    message_id=m["MessageId"],
                    receipt_handle=m["ReceiptHandle"],
                    receive_count=int(m["Attributes"]["ApproximateReceiveCount"]),
                )
                for m in got
            )
            result = load_handler("index-builder")(
                batch, LocalLambdaContext(function_name="foodsave-index-builder")
            )
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
            for m in got:
                if m["MessageId"] not in failed:
                    self.sqs.delete_message(QueueUrl=self.index_queue, ReceiptHandle=m["ReceiptHandle"])
            outcomes.append({"received": len(got), "failed": sorted(failed)})
        return outcomes

    def published(self) -> list[dict[str, Any]]:
        """Every event EventBridge routed to the sink queue so far (EventBridge envelope, FoodSave detail)."""
        seen = self.data.setdefault("published", [])
        while True:
            got = self.sqs.receive_message(QueueUrl=self.sink, MaxNumberOfMessages=10).get("Messages", [])
            if not got:
                return list(seen)
            for m in got:
                seen.append(json.loads(m["Body"]))
                self.sqs.delete_message(QueueUrl=self.sink, ReceiptHandle=m["ReceiptHandle"])


def _queue(sqs: Any, name: str, **attributes: str) -> tuple[str, str]:
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _infrastructure(tmp: Path, db_url: str) -> Aws:
    import boto3

    from foodsave.adapters.aws.messaging import EventBridgeBus, SqsQueue
    from foodsave.adapters.aws.objects import S3ObjectStore
    from foodsave.adapters.local import FrozenClock
    from foodsave.bootstrap import build_services
    from foodsave.config import Settings
    from foodsave.db.session import Database
    from foodsave.events import EVENT_SOURCE

    s3 = boto3.client("s3", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    eb = boto3.client("events", region_name=REGION)
    s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
    dlq, dlq_arn = _queue(sqs, "foodsave-index-jobs-dlq")
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "3"})
    index_queue, _ = _queue(sqs, "foodsave-index-jobs", VisibilityTimeout="0", RedrivePolicy=redrive)
    sink, sink_arn = _queue(sqs, "foodsave-events-sink")
    eb.create_event_bus(Name=BUS)
    eb.put_rule(Name="all-foodsave", EventBusName=BUS, EventPattern=json.dumps({"source": [EVENT_SOURCE]}))
    eb.put_targets(Rule="all-foodsave", EventBusName=BUS, Targets=[{"Id": "sink", "Arn": sink_arn}])

    settings = Settings(
        env="aws",
        data_dir=tmp / "data",
        dev_auth=False,
        bucket=BUCKET,
        index_queue_url=index_queue,
        event_bus_name=BUS,
    )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # A fixed instant in daytime in Warsaw, so expiry notifications are not held back for the night.
    clock = FrozenClock(STORY_START)
    services = build_services(
        settings,
        ports=(
            Database(db_url, clock=clock),
            S3ObjectStore(s3, BUCKET),
            SqsQueue(sqs, index_queue),
            EventBridgeBus(eb, BUS),
        ),
        clock=clock,
    )
    return Aws(s3=s3, sqs=sqs, index_queue=index_queue, dlq=dlq, sink=sink, services=services)


def _run_story(aws: Aws) -> None:
    data = aws.data
    status, me = aws.api("GET", "/v1/me")
    assert status == 200, me
    aws.user_id = data["user_id"] = me["id"]

    # Two receipt photos: a presigned POST slot each, the bytes into S3, S3's notification to the ocr function.
    data["receipts"] = []
    # Receipts bought on the story's first day, as a user scans them after shopping.
    for name, photo, mime in receipt_files(day=STORY_START.date())[:2]:
        status, created = aws.api("POST", "/v1/receipts", {"content_type": mime})
        assert status == 201, created
        slot = created["upload"]
        assert slot["fields"]["key"] == slot["key"]
        aws.s3.put_object(Bucket=BUCKET, Key=slot["key"], Body=photo, ContentType=mime)
        ocr = aws.s3_notify_ocr(slot["key"])
        status, receipt = aws.api("GET", f"/v1/receipts/{created['receipt']['id']}")
        data["receipts"].append({"name": name, "slot": slot, "ocr": ocr, "parsed": receipt})
        status, confirmed = aws.api("POST", f"/v1/receipts/{receipt['id']}/confirm")
        data["receipts"][-1]["confirm"] = (status, confirmed)

    status, pantry = aws.api("GET", "/v1/pantry/items", query="limit=100")
    assert status == 200, pantry
    data["pantry"] = pantry["items"]

    # Advance the clock to the day before the first expiry (10:00 in Warsaw) and fire the schedule.
    dated = sorted(i["expires_at"] for i in data["pantry"] if i.get("expires_at"))
    first = datetime.fromisoformat(dated[0])
    first = first if first.tzinfo else first.replace(tzinfo=UTC)
    when = (first - timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
    assert when >= STORY_START, "the story's clock only moves forward"
    data["when"] = when
    aws.services.clock.set(when)
    data["schedule"] = load_handler("alert-evaluator")(
        events.scheduled_event(when), LocalLambdaContext(function_name="foodsave-alert-evaluator")
    )
    status, notes = aws.api("GET", "/v1/notifications")
    assert status == 200, notes
    data["notifications"] = notes["items"]
    data["me"] = aws.api("GET", "/v1/me")[1]
    data["events_after_schedule"] = aws.published()

    status, chat = aws.api("POST", "/v1/chat", {"message": QUESTION})
    data["chat"] = (status, chat)

    # A text document: its upload slot, the bytes into S3, S3's notification into the index queue.
    status, created = aws.api("POST", "/v1/documents", {"title": "Zasady", "content_type": "text/plain"})
    assert status == 201, created
    key = created["upload"]["fields"]["key"]
    aws.s3.put_object(Bucket=BUCKET, Key=key, Body=DOCUMENT.encode(), ContentType="text/plain")
    head = aws.s3.head_object(Bucket=BUCKET, Key=key)
    notification = events.s3_object_created(BUCKET, key, head["ETag"], int(head["ContentLength"]))
    aws.sqs.send_message(QueueUrl=aws.index_queue, MessageBody=json.dumps(notification))
    data["document"] = created["document"]
    data["index_batches"] = aws.drain_index_queue()
    status, doc = aws.api("GET", f"/v1/documents/{created['document']['id']}")
    data["document_after_index"] = (status, doc)
    status, answer = aws.api("POST", "/v1/chat", {"message": DOC_QUESTION})
    data["document_answer"] = (status, answer)
    data["dlq"] = aws.sqs.receive_message(QueueUrl=aws.dlq, MaxNumberOfMessages=10).get("Messages", [])


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[Aws]:
    from moto import mock_aws

    from foodsave.adapters.aws.clients import reset_clients
    from foodsave.bootstrap import set_services
    from foodsave.observability import clear_metric_sinks

    tmp = tmp_path_factory.mktemp("aws-story")
    shutil.copyfile(sqlite_template, tmp / "foodsave.db")
    with mock_aws():
        reset_clients()
        aws = _infrastructure(tmp, f"sqlite:///{tmp / 'foodsave.db'}")
        clear_metric_sinks()
        set_services(aws.services)
        try:
            _run_story(aws)
            yield aws
        finally:
            set_services(None)
            clear_metric_sinks()
            reset_clients()


def test_signing_in_through_the_jwt_authorizer_creates_the_user(story):
    assert story.user_id
    status, me = story.api("GET", "/v1/me")
    assert status == 200 and me["id"] == story.user_id


def test_receipt_slots_are_presigned_s3_posts_under_the_users_prefix(story):
    for receipt in story.data["receipts"]:
        slot = receipt["slot"]
        assert slot["url"].startswith("https://") and BUCKET in slot["url"]
        assert slot["key"].startswith(f"uploads/receipts/{story.user_id}/")
        assert {"policy", "x-amz-signature", "x-amz-credential"} <= set(slot["fields"])


def test_s3_notifications_make_the_ocr_function_parse_both_receipts(story):
    for receipt in story.data["receipts"]:
        (result,) = receipt["ocr"]["results"]
        assert result["key"] == receipt["slot"]["key"]
        assert result["outcome"] == "processed", result
        parsed = receipt["parsed"]
        assert parsed["status"] in ("parsed", "needs_review"), parsed
        assert parsed["lines"] and parsed["total"] is not None


def test_confirmed_receipts_fill_the_pantry_with_expiry_dates(story):
    added = []
    for receipt in story.data["receipts"]:
        status, confirmed = receipt["confirm"]
        assert status == 200, confirmed
        assert confirmed["receipt"]["status"] == "confirmed"
        added += [item["id"] for item in confirmed["pantry_items"]]
    pantry = story.data["pantry"]
    assert sorted(i["id"] for i in pantry) == sorted(added)
    assert all(i["expires_at"] for i in pantry)


def test_scheduled_evaluation_after_the_clock_moves_creates_expiry_notifications(story):
    notes = story.data["notifications"]
    assert notes
    assert story.data["schedule"]["failed"] == []
    assert len(story.data["schedule"]["notification_ids"]) == len(notes)
    window = story.data["me"]["expiry_warning_days"]
    today = story.data["when"].astimezone(WARSAW).date()
    pantry = {i["id"]: i for i in story.data["pantry"]}
    due = {i["id"]: (date.fromisoformat(i["expires_at"]) - today).days for i in pantry.values()}
    within_window = {item_id for item_id, days in due.items() if 0 <= days <= window}
    assert {n["payload"]["item"]["id"] for n in notes} == within_window
    for note in notes:
        item = note["payload"]["item"]
        assert pantry[item["id"]]["name"] == item["name"]
        assert note["payload"]["days_left"] == due[item["id"]]
        assert item["name"] in note["payload"]["message"]


def test_notification_events_reach_eventbridge(story):
    published = story.data["events_after_schedule"]
    created = [e for e in published if e["detail-type"] == "NotificationCreated"]
    assert created, [e["detail-type"] for e in published]
    assert {e["detail"]["data"]["notification_id"] for e in created} == {
        n["id"] for n in story.data["notifications"]
    }
    assert all(e["source"] == "foodsave" and e["detail"]["user_id"] == story.user_id for e in created)


def test_receipt_events_reach_eventbridge_too(story):
    types = [e["detail-type"] for e in story.data["events_after_schedule"]]
    receipts = {r["parsed"]["id"] for r in story.data["receipts"]}
    parsed = {
        e["detail"]["data"].get("receipt_id")
        for e in story.data["events_after_schedule"]
        if e["detail-type"] == "ReceiptParsed"
    }
    assert parsed == receipts, types


def test_chat_suggests_recipes_that_use_what_runs_out(story):
    status, chat = story.data["chat"]
    assert status == 200, chat
    assert chat["agent"] == "chef"
    pantry = {i["normalized_name"] for i in story.data["pantry"] if i.get("normalized_name")}
    assert any(name in chat["reply"].lower() for name in pantry), (chat["reply"], pantry)
    assert chat["degraded"] == []


def test_document_notification_through_sqs_is_indexed_once(story):
    batches = story.data["index_batches"]
    assert batches == [{"received": 1, "failed": []}]
    status, doc = story.data["document_after_index"]
    assert status == 200 and doc["status"] == "ready" and doc["chunks"] >= 1, doc
    left = story.sqs.get_queue_attributes(
        QueueUrl=story.index_queue, AttributeNames=["ApproximateNumberOfMessages"]
    )["Attributes"]["ApproximateNumberOfMessages"]
    assert left == "0"
    assert story.data["dlq"] == []


def test_question_about_the_document_is_answered_with_a_citation(story):
    status, answer = story.data["document_answer"]
    assert status == 200, answer
    cited = [s for s in answer["sources"] if s.get("type") == "document"]
    assert cited, answer["sources"]
    assert {s["id"] for s in cited} == {story.data["document"]["id"]}
    assert "chleb" in answer["reply"].lower()
