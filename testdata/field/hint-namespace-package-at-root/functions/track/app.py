import charset_normalizer


def handler(event, context):
    return charset_normalizer.detect(b"")
