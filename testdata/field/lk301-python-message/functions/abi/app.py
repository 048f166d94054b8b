import abimod


def handler(event, context):
    return abimod.run(event)
