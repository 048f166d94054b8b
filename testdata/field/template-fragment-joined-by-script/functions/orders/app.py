import shared


def handler(event, context):
    return shared.total(event.get("items", []))
