from utils.parser import parse


def handler(event, context):
    return parse(event["body"])
