"""Helpers of the vectors integration tests: drain the local index queue through the real handler."""

from __future__ import annotations

from typing import Any

import pytest

from foodsave.adapters.local import LocalQueue
from foodsave.runtime import events
from foodsave.runtime.handlers import load_handler


class LambdaContext:
    function_name = "foodsave-index-builder"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:eu-central-1:123456789012:function:foodsave-index-builder"
    aws_request_id = "test-request"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def drain(queue: LocalQueue) -> list[dict[str, Any]]:
    """Deliver everything queued to index-builder in SQS batches; returns the batch responses."""
    responses = []
    while messages := queue.receive(10):
        batch = events.sqs_batch(
            events.sqs_record(
                m.body,
                message_id=m.message_id,
                receipt_handle=m.receipt_handle,
                receive_count=m.receive_count,
                trace_header=m.attributes.get("AWSTraceHeader"),
            )
            for m in messages
        )
        try:
            response = load_handler("index-builder")(batch, LambdaContext())
        except Exception:  # noqa: BLE001 - an all-failed batch raises; SQS would retry every message
            response = {"batchItemFailures": [{"itemIdentifier": m.message_id} for m in messages]}
        failed = {f["itemIdentifier"] for f in response["batchItemFailures"]}
        for m in messages:
            if m.message_id in failed:
                queue.delete(m.receipt_handle)  # do not loop on poison in tests
            else:
                queue.delete(m.receipt_handle)
        responses.append(response)
    return responses


@pytest.fixture
def lambda_context() -> LambdaContext:
    return LambdaContext()
