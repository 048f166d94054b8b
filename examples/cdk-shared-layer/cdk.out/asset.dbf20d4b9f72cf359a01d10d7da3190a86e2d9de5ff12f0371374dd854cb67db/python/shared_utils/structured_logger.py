import json
import logging


def get_logger(name):
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO)
    return logger


def log_event(logger, event, **fields):
    logger.info(json.dumps({"event": event, **fields}))
