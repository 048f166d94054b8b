import json

from shared_utils.structured_logger import get_logger
from shared_utils.validators import require

logger = get_logger(__name__)


def handler(event, context):
    body = require(json.loads(event.get("body") or "{}"), "name")
    logger.info("hello %s", body["name"])
    return {"statusCode": 200, "body": json.dumps({"hello": body["name"]})}
