"""Lists a basket (fixture; contents invented)."""
from aws_lambda_powertools import Logger

from helpers import ok

logger = Logger()


def lambda_handler(event, context):
    logger.info("listing")
    return ok("[]")
