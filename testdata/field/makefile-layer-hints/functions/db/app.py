from shared import db


def handler(event, context):
    return db.get(event["id"])
