def handler(event, context):
    return None
__all__ = ["g", "X", "Y"]
LK_LATE = 1
