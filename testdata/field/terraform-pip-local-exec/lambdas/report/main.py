import yaml
import toml


def handler(event, context):
    return yaml.safe_dump(toml.loads(""))
