from boto_utils import paginate
from decorators import with_logging


@with_logging
def handler(event, context):
    return paginate(event.get("items", []))
