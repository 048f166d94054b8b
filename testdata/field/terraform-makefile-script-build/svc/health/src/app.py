import os
import requests


def handle(event, context):
    return requests.get(os.environ.get("URL", "https://example.com")).status_code
