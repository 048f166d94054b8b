import json

import requests
from bs4 import BeautifulSoup


def handler(event, context):
    return json.dumps({"ok": bool(BeautifulSoup and requests)})
