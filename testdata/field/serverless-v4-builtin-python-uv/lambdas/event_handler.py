from nacl.signing import VerifyKey

from shared.discord import post


def handler(event, context):
    VerifyKey(bytes.fromhex(event["key"]))
    return post(event["url"], {})
