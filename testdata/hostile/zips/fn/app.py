import layered


def handler(event, context):
    return layered
