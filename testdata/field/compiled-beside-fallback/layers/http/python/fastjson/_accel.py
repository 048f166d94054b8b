import json


def dumps(obj):
    return json.dumps(obj)
