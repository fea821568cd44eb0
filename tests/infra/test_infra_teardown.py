"""`make destroy` empties a household stack's versioned buckets first (moto S3 and CloudFormation)."""

from __future__ import annotations

import json

import boto3
import pytest
from moto import mock_aws

from infra.teardown import empty_bucket, empty_stack_buckets

REGION = "eu-central-1"


@pytest.fixture
def aws(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield boto3.client("s3", region_name=REGION), boto3.client("cloudformation", region_name=REGION)


def _versioned_bucket(s3, name: str) -> None:  # type: ignore[no-untyped-def]
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"one", b"two"):
        s3.put_object(Bucket=name, Key="uploads/receipts/u/r.jpg", Body=body)
    s3.delete_object(Bucket=name, Key="uploads/receipts/u/r.jpg")  # leaves a delete marker


def _stack(cloudformation, profile: str, buckets: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    outputs = {"Profile": {"Value": profile}} | {k: {"Value": v} for k, v in buckets.items()}
    template = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}, "Outputs": outputs}
    cloudformation.create_stack(StackName="FoodSave", TemplateBody=json.dumps(template))


def test_every_version_and_delete_marker_is_removed(aws):
    s3, _ = aws
    _versioned_bucket(s3, "uploads")
    assert empty_bucket(s3, "uploads") == 3
    listed = s3.list_object_versions(Bucket="uploads")
    assert "Versions" not in listed and "DeleteMarkers" not in listed
    s3.delete_bucket(Bucket="uploads")


def test_a_household_stack_has_both_of_its_buckets_emptied(aws):
    s3, cloudformation = aws
    for name in ("uploads", "access-logs"):
        _versioned_bucket(s3, name)
    _stack(cloudformation, "household", {"BucketName": "uploads", "AccessLogsBucketName": "access-logs"})
    assert empty_stack_buckets(cloudformation, s3, "FoodSave") == {"uploads": 3, "access-logs": 3}


def test_a_production_stack_is_refused(aws):
    s3, cloudformation = aws
    _versioned_bucket(s3, "uploads")
    _stack(cloudformation, "production", {"BucketName": "uploads"})
    with pytest.raises(SystemExit, match="not a household stack"):
        empty_stack_buckets(cloudformation, s3, "FoodSave")
    assert "Versions" in s3.list_object_versions(Bucket="uploads")
