"""Formats a report (fixture; contents invented)."""
import os

import tablefmt


def handler(event, context):
    return tablefmt.render([[os.environ.get("TABLE", "")]])
