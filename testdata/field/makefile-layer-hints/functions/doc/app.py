import yaml
from formatting import money


def handler(event, context):
    return yaml.safe_dump({"total": money(event["cents"])})
