import speedy
import strictnum


def handler(event, context):
    return strictnum.add(speedy.crunch(event), 1)
