import fonts


def handler(event, context):
    return fonts.DEFAULT
