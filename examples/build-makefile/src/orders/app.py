from shared.money import cents


def handler(event, context):
    return {"total": cents(event.get("total", 0))}
