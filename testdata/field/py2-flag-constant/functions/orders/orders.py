"""Stores an order and queues a message (fixture; contents invented)."""
import dbkit
import mqkit


def handler(event, context):
    return {"parser": dbkit.Parser.__name__, "qs": mqkit.url_parse_qs("a=1")}
