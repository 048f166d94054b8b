import botocore.exceptions
from acme_common.logging import get_logger

log = get_logger("audit")


def handler(event, context):
    log.info("audit %s", event)
    return botocore.exceptions.ClientError.__name__
