import json

import utils
import requests


def handler(event, context):
    return json.dumps(utils.ok())
