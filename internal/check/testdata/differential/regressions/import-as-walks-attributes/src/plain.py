import lk_b.m0.m2


def handler(event, context):
    return None
