"""Replies with today's menu (fixture; contents invented)."""
from linebot import LineBotApi, WebhookHandler


def handler(event, context):
    return {"api": LineBotApi.__name__, "hook": WebhookHandler.__name__}
