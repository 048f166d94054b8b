"""Answers a chat message (fixture; contents invented)."""
from slack_bolt import App
from slack_sdk.errors import SlackApiError


def handler(event, context):
    return {"app": App.__name__, "error": SlackApiError.__name__}
