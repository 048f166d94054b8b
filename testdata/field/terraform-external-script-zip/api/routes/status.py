import os
import yaml


def ok():
    return bool(yaml.safe_load(os.environ.get("STATUS", "true")))
