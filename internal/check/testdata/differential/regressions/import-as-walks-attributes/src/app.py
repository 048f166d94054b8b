import lk_b.m0.m2 as al1


def handler(event, context):
    return None
