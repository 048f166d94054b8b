from shared_utils import validators
from shared_utils.table_names import REPORTS_TABLE


def handler(event, context):
    payload = validators.require(event, "report_id")
    return {"table": REPORTS_TABLE, "id": payload["report_id"]}
