import armmod


def handler(event, context):
    return armmod.run(event)
