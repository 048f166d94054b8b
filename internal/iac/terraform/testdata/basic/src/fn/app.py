import core

def handler(event, context):
    return core.x
