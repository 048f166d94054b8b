def require(payload, *keys):
    missing = [k for k in keys if k not in payload]
    if missing:
        raise ValueError("missing: " + ", ".join(missing))
    return payload
