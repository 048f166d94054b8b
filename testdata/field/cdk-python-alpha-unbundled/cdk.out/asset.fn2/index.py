import requests
import yaml
import jwt


def handler(event, context):
    return requests.__name__ + jwt.__name__
