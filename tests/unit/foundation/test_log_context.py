"""Log keys of one invocation stay on its own thread: a request logged while a handler runs elsewhere does
not carry the handler's Lambda context."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator

import pytest

from foodsave.observability import logger
from foodsave.runtime.context import LocalLambdaContext


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.setFormatter(logger.registered_formatter)
        self.records: list[dict] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(json.loads(self.format(record)))


@pytest.fixture
def lines() -> Iterator[Lines]:
    handler = Lines()
    logger._logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger._logger.removeHandler(handler)


def test_a_record_on_another_thread_does_not_carry_a_running_handlers_context(lines):
    inside, done = threading.Event(), threading.Event()

    @logger.inject_lambda_context(clear_state=True)
    def handler(event, context):  # type: ignore[no-untyped-def]
        logger.info("handler working")
        inside.set()
        done.wait(10)

    worker = threading.Thread(target=handler, args=({}, LocalLambdaContext(function_name="foodsave-ocr")))
    worker.start()
    assert inside.wait(10)
    request = threading.Thread(target=lambda: logger.info("http request served"))
    request.start()
    request.join(10)
    done.set()
    worker.join(10)

    by_message = {r["message"]: r for r in lines.records}
    assert by_message["handler working"]["function_name"] == "foodsave-ocr"
    assert "function_name" not in by_message["http request served"]
    assert by_message["http request served"]["service"] == by_message["handler working"]["service"]
