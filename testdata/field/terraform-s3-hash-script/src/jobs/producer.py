import json

import yaml

from jobs import common


def handler(event, context):
    return json.dumps(yaml.safe_load(common.CONFIG))
