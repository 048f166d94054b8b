import lk_a


def handler(event, context):
    return None
