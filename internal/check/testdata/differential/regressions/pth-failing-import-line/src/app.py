import lk_v


def handler(event, context):
    return None
