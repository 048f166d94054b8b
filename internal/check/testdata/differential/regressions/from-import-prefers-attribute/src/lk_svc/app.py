from lk_svc import m2


def handler(event, context):
    return None
