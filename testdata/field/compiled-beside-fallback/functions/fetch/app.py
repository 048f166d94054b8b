import charset_normalizer
import fastjson
import fastmark


def handler(event, context):
    best = charset_normalizer.from_bytes(event["body"].encode()).best()
    return fastmark.escape(fastjson.dumps({"encoding": best.encoding if best else None}))
