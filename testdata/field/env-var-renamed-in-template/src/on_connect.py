import json
import os

import boto3

TABLE_NAME = os.environ["TABLE_NAME"]
table = boto3.resource("dynamodb").Table(TABLE_NAME)


def handler(event, context):
    table.put_item(Item={"connectionId": event["requestContext"]["connectionId"]})
    return {"statusCode": 200, "body": json.dumps("connected")}
