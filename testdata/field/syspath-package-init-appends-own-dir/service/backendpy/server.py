from utils import response


def callback(event, context):
    return response("ok")
