import macmod


def handler(event, context):
    return macmod.run(event)
