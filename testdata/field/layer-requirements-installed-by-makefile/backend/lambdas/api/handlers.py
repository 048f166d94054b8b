from decorators import validated


@validated({})
def handler(event, context):
    return event
