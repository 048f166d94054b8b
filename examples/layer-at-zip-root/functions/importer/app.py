from helpers import greeting


def handler(event, context):
    return greeting(event.get("name", "world"))
