from lk_b import m3
def handler(event, context):
    return None
