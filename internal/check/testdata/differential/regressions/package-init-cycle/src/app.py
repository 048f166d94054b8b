import lk_p


def handler(event, context):
    return None
