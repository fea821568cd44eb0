"""/v1/status reports this area's parts: shared index versions and age, queue depth, OCR with `pol`, the LLM."""

from __future__ import annotations

import json
import shutil
from datetime import timedelta

import boto3
import pytest
from moto import mock_aws

from foodsave.adapters.aws.messaging import SqsQueueWithDeadLetters
from foodsave.alerts import status as alert_status
from foodsave.errors import Unavailable

OPERATOR = {"Authorization": "Bearer dev-ops-status"}  # /v1/status details are for operators

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _publish(services, name, version, age):
    published = (services.clock.now() - age).isoformat()
    pointer = {
        "version": version,
        "manifest": f"indexes/{name}/v{version}/manifest.json",
        "published_at": published,
    }
    services.store.put(f"indexes/{name}/latest.json", json.dumps(pointer).encode(), "application/json")


def test_missing_indexes_degrade_the_status_without_taking_it_down(client):
    resp = client.get("/v1/status", headers=OPERATOR)
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "degraded"
    index = body["components"]["index"]
    assert (index["status"], index["required"]) == ("degraded", False)
    assert "recipes" in index["detail"]


def test_published_indexes_report_version_and_age(client, services):
    _publish(services, "recipes", 3, timedelta(hours=2))
    _publish(services, "knowledge", 1, timedelta(minutes=5))
    index = client.get("/v1/status", headers=OPERATOR).json()["components"]["index"]
    assert index["status"] == "ok"
    assert index["info"]["recipes"]["version"] == 3
    assert index["info"]["recipes"]["age_seconds"] == 7200
    assert index["info"]["knowledge"]["age_seconds"] == 300


def test_queue_depth_and_dead_letters_are_reported(client, services):
    services.queue.send({"job": 1})
    services.queue.send({"job": 2})
    queue = client.get("/v1/status", headers=OPERATOR).json()["components"]["queue"]
    assert queue["status"] == "ok"
    assert queue["info"] == {"depth": 2, "dead_letters": 0}


def test_the_receipt_queues_depth_and_dead_letters_are_reported_beside_the_index_jobs(client, services):
    with mock_aws():
        sqs = boto3.client("sqs", region_name="eu-central-1")
        dlq = sqs.create_queue(QueueName="receipt-uploads-dlq")["QueueUrl"]
        queue_url = sqs.create_queue(QueueName="receipt-uploads")["QueueUrl"]
        for n in range(2):
            sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps({"receipt": n}))
        sqs.send_message(QueueUrl=dlq, MessageBody=json.dumps({"receipt": "poison"}))
        services.receipt_queue = SqsQueueWithDeadLetters(sqs, queue_url, dlq)
        queue = client.get("/v1/status", headers=OPERATOR).json()["components"]["queue"]
    assert queue["status"] == "ok"
    assert queue["info"]["receipts"] == {"depth": 2, "dead_letters": 1}


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed here")
def test_ocr_engine_with_polish_is_reported_present(client):
    ocr = client.get("/v1/status", headers=OPERATOR).json()["components"]["ocr"]
    assert ocr["status"] == "ok", ocr
    assert ocr["info"]["lang"] == "pol"


def test_ocr_without_polish_data_is_reported_unavailable(services, monkeypatch, tmp_path):
    from foodsave.receipts import ocr

    empty = tmp_path / "tessdata"
    empty.mkdir()
    for name in ("TESSDATA_PREFIX", "FOODSAVE_TESSDATA_PREFIX", "PATH"):
        monkeypatch.setenv(name, str(empty))  # no Polish model anywhere and no tesseract binary
    monkeypatch.setattr(ocr, "_TESSDATA_CANDIDATES", ())
    monkeypatch.setattr(alert_status, "_ocr_cache", None)
    with pytest.raises(Unavailable, match="with Polish data is not available"):
        alert_status.ocr_status(services)


def test_llm_reports_its_provider(client, services):
    assert client.get("/v1/status", headers=OPERATOR).json()["components"]["llm"]["info"] == {
        "provider": "offline",
        "configured": True,
    }
    services.settings = services.settings.model_copy(update={"llm_provider": "bedrock"})
    info = client.get("/v1/status", headers=OPERATOR).json()["components"]["llm"]["info"]
    assert (info["provider"], info["configured"]) == ("bedrock", True)


def test_index_age_feeds_the_stale_index_rule(services, clock):
    from foodsave.alerts.metrics_source import MetricQuery

    _publish(services, "recipes", 1, timedelta(days=2))
    source = services.metrics_source
    assert source.value(MetricQuery("IndexAgeSeconds", "Maximum", 300), clock.now()) == 2 * 86400
    assert source.value(MetricQuery("DlqDepth", "Maximum", 300), clock.now()) == 0
