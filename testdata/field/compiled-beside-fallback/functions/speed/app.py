import speedy


def handler(event, context):
    return speedy.crunch(event)
