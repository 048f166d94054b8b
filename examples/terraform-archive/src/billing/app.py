from money import cents


def handler(event, context):
    return {"billed_cents": cents(event["amount"])}
