import json
import helper


def handler(event, context):
    return helper.VALUE
