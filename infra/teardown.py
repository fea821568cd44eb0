"""`make destroy`, first half: empty the stack's buckets (every object version and delete marker).

CloudFormation cannot delete a bucket that still holds objects, and the uploads bucket is versioned;
emptying it here keeps aws-cdk-lib's auto-delete helper (one more Lambda function) out of the stack.
`cdk destroy` runs next (Makefile). Production buckets are kept on stack deletion and its database has
deletion protection, so this refuses to touch a production stack unless told the stack is a household one.
"""

from __future__ import annotations

import argparse
from typing import Any

BUCKET_OUTPUTS = ("BucketName", "AccessLogsBucketName")


def empty_bucket(s3: Any, bucket: str) -> int:
    """Delete every version and delete marker in `bucket`; returns how many were deleted."""
    deleted = 0
    paginator = s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=bucket):
        keys = [
            {"Key": item["Key"], "VersionId": item["VersionId"]}
            for item in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        for start in range(0, len(keys), 1000):
            chunk = keys[start : start + 1000]
            s3.delete_objects(Bucket=bucket, Delete={"Objects": chunk, "Quiet": True})
            deleted += len(chunk)
    return deleted


def stack_outputs(cloudformation: Any, stack: str) -> dict[str, str]:
    (described,) = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def empty_stack_buckets(cloudformation: Any, s3: Any, stack: str) -> dict[str, int]:
    """Empty the buckets a household stack exports; refuses a production stack."""
    outputs = stack_outputs(cloudformation, stack)
    if outputs.get("Profile") != "household":
        raise SystemExit(
            f"{stack} is not a household stack (Profile={outputs.get('Profile')!r}); production keeps its "
            "buckets and database on deletion: see docs/infra.md, 'Tearing down production'."
        )
    return {outputs[name]: empty_bucket(s3, outputs[name]) for name in BUCKET_OUTPUTS if name in outputs}


def main(argv: list[str] | None = None) -> int:
    import boto3

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack", default="FoodSave")
    parser.add_argument("--region", default=None)
    args = parser.parse_args(argv)
    session = boto3.session.Session(region_name=args.region)
    emptied = empty_stack_buckets(session.client("cloudformation"), session.client("s3"), args.stack)
    for bucket, count in emptied.items():
        print(f"emptied s3://{bucket}: {count} object versions deleted")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
