"""Index-jobs queue with its dead-letter queue; visibility timeout derived from the builder's timeout."""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra import constants
from infra.nag import acknowledge


class Queues(Construct):
    """SQS carries document-indexing jobs from the API to the index builder, at least once."""

    def __init__(self, scope: Construct, id: str) -> None:
        super().__init__(scope, id)
        self.index_dlq = sqs.Queue(
            self,
            "IndexJobsDlq",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            retention_period=Duration.days(constants.DLQ_RETENTION_DAYS),
        )
        acknowledge(
            self.index_dlq,
            "SQS3",
            "This queue is itself the dead-letter queue of the index-jobs queue; its depth is alarmed on.",
        )
        self.index_queue = sqs.Queue(
            self,
            "IndexJobs",
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(
                constants.INDEX_QUEUE_VISIBILITY_FACTOR * constants.INDEX_BUILDER.timeout_seconds
            ),
            dead_letter_queue=sqs.DeadLetterQueue(
                queue=self.index_dlq, max_receive_count=constants.INDEX_QUEUE_MAX_RECEIVE_COUNT
            ),
        )
