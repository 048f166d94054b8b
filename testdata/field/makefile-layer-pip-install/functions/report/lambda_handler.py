"""Builds a daily report (fixture; contents invented)."""
import structlog
from cachetools import TTLCache

log = structlog.get_logger()
_cache = TTLCache(maxsize=16, ttl=60)


def handler(event, context):
    log.info("report", day=event.get("day"))
    return {"cached": len(_cache)}
