from lk_e import m2
def handler(event, context):
    return None
