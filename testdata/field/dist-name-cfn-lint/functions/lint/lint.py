"""Lints one template body (fixture; contents invented)."""
from cfnlint import decode


def handler(event, context):
    template, matches = decode.decode_str(event["body"])
    return {"errors": len(matches or [])}
