"""SQS queues with their dead-letter queues: index jobs (API -> builder) and receipt uploads (S3 -> ocr).

Visibility timeouts are six times the consumer's timeout (AWS guidance for Lambda event sources); a
message that keeps failing moves to the DLQ after a few receives, where an alarm finds it and
`aws sqs start-message-move-task` redrives it once the cause is fixed (docs/infra.md).
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants
from infra.nag import acknowledge


class Queues(Construct):
    """Work that must not be lost travels through SQS, at least once, with a DLQ behind every queue."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.index_dlq = self._dlq("IndexJobsDlq", "index-jobs")
        self.index_queue = self._queue(
            "IndexJobs",
            self.index_dlq,
            timeout_seconds=constants.INDEX_BUILDER.timeout_seconds,
            factor=constants.INDEX_QUEUE_VISIBILITY_FACTOR,
            max_receive_count=constants.INDEX_QUEUE_MAX_RECEIVE_COUNT,
        )
        self.receipt_dlq = self._dlq("ReceiptUploadsDlq", "receipt-uploads")
        self.receipt_queue = self._queue(
            "ReceiptUploads",
            self.receipt_dlq,
            timeout_seconds=constants.OCR.timeout_seconds,
            factor=constants.RECEIPT_QUEUE_VISIBILITY_FACTOR,
            max_receive_count=constants.RECEIPT_QUEUE_MAX_RECEIVE_COUNT,
        )
        self.dead_letter_queues = {"index-jobs": self.index_dlq, "receipt-uploads": self.receipt_dlq}
        self.work_queues = {"index-jobs": self.index_queue, "receipt-uploads": self.receipt_queue}

    def _dlq(self, id: str, of: str) -> sqs.Queue:
        dlq = sqs.Queue(
            self,
            id,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(constants.DLQ_RETENTION_DAYS),
        )
        acknowledge(
            dlq,
            "SQS3",
            f"This queue is itself the dead-letter queue of the {of} queue; its depth is alarmed on.",
        )
        return dlq

    def _queue(
        self, id: str, dlq: sqs.Queue, *, timeout_seconds: int, factor: int, max_receive_count: int
    ) -> sqs.Queue:
        return sqs.Queue(
            self,
            id,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(factor * timeout_seconds),
            dead_letter_queue=sqs.DeadLetterQueue(queue=dlq, max_receive_count=max_receive_count),
        )

    def route_receipt_uploads(self, bucket: s3.IBucket) -> events.Rule:
        """S3 "Object Created" events for uploads/receipts/ (default bus) -> the receipts queue."""
        rule = events.Rule(
            self,
            "ReceiptUploaded",
            description="Receipt photos uploaded to S3 go to the OCR queue",
            event_pattern=events.EventPattern(
                source=["aws.s3"],
                detail_type=["Object Created"],
                detail={
                    "bucket": {"name": [bucket.bucket_name]},
                    "object": {"key": [{"prefix": constants.RECEIPTS_PREFIX}]},
                },
            ),
        )
        rule.add_target(
            targets.SqsQueue(
                self.receipt_queue,
                dead_letter_queue=self.receipt_dlq,
                retry_attempts=8,
                max_event_age=Duration.hours(24),
            )
        )
        return rule
