"""Shared helpers (fixture; contents invented)."""
from aws_lambda_powertools import Tracer

tracer = Tracer()


def ok(body):
    return {"statusCode": 200, "body": body}
