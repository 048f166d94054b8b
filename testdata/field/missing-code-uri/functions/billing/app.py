import shared_db


def handler(event, context):
    return shared_db.get(event["id"])
