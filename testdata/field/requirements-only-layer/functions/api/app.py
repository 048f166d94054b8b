import jwt
import requests


def handler(event, context):
    return requests.get(jwt.decode(event["token"], options={"verify_signature": False})["url"]).status_code
