from .utils import is_ascii


def detect(b):
    return is_ascii(b)
