import json

import boto3


def read_object(bucket, key):
    return boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read()


def send_message(queue_url, body):
    boto3.client("sqs").send_message(QueueUrl=queue_url, MessageBody=json.dumps(body))
