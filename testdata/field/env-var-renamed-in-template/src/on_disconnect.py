import json
import os

import boto3

TABLE_NAME = os.environ["WEBSOCKETS_TABLE"]
table = boto3.resource("dynamodb").Table(TABLE_NAME)


def handler(event, context):
    table.delete_item(Key={"connectionId": event["requestContext"]["connectionId"]})
    return {"statusCode": 200, "body": json.dumps("disconnected")}
