import json

import boto3
from acme_common import get_logger

from .model import Order

log = get_logger(__name__)


def handler(event, context):
    order = Order.from_event(event)
    boto3.client("sqs")
    log.info("order %s", order.id)
    return {"statusCode": 200, "body": json.dumps({"id": order.id})}
