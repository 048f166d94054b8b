import requests
import yaml


def handler(event, context):
    return yaml.safe_dump(requests.get(event["url"]).json())
