import base64

from shared_utils.structured_logger import get_logger
from shared_utils.audio_codec import decode_frame

logger = get_logger(__name__)


def handler(event, context):
    frame = decode_frame(base64.b64decode(event["body"]))
    logger.info("decoded %d samples", len(frame))
    return {"statusCode": 200}
