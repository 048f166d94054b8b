from shared.ids import new_id
from shared.money import cents


def handler(event, context):
    return {"id": new_id("order"), "total": cents(event.get("total", 0))}
