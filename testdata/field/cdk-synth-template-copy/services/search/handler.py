import photo_models


def handler(event, context):
    return photo_models.search(event)
