"""Scores a message body (fixture; contents invented)."""
import textdetect


def handler(event, context):
    return {"mess": textdetect.mess_ratio(event.get("body", ""))}
