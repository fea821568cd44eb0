"""AWS adapters of foodsave.ports: S3, SQS, EventBridge (and Bedrock, Secrets Manager) through boto3."""
