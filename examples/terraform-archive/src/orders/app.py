from money import cents


def handler(event, context):
    return {"total_cents": cents(event["total"])}
