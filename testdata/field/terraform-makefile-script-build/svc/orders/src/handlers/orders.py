import json

import requests
import urllib3

from src.handlers import pricing


def handle(event, context):
    r = requests.get("https://example.com/orders")
    return {"statusCode": 200, "body": json.dumps({"n": len(r.text), "p": pricing.total([])})}
