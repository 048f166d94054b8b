import charset_normalizer
import fastjson


def handler(event, context):
    best = charset_normalizer.from_bytes(event["body"].encode()).best()
    return fastjson.dumps({"encoding": best.encoding if best else None})
