import boto3

from shared_utils.structured_logger import get_logger, log_event
from shared_utils.table_names import CONNECTIONS_TABLE

logger = get_logger(__name__)
table = boto3.resource("dynamodb").Table(CONNECTIONS_TABLE)


def handler(event, context):
    connection_id = event["requestContext"]["connectionId"]
    table.put_item(Item={"id": connection_id})
    log_event(logger, "connect", connection_id=connection_id)
    return {"statusCode": 200}
