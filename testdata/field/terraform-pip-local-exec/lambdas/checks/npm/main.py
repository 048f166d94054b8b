import requests
from packaging.version import parse


def handler(event, context):
    return str(parse("1.0"))
