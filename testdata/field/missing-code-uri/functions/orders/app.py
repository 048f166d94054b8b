import json

import requests
import shared_db
import shared_models
from shared_models.order import Order
import stripe


def handler(event, context):
    return json.dumps(Order(shared_db.get(event["id"])).to_dict())
