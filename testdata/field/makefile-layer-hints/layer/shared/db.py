def get(key):
    return {"key": key}
