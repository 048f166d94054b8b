"""Imports generated certificates (fixture; contents invented)."""
from provider_utils import count_items


def process(config):
    total_count = count_items(config["items"])
    print({
        "key": config['key']
    })

    return total_count

def lambda_handler(event, context) -> dict:
        "key": config['key']
    })

    return total_count
