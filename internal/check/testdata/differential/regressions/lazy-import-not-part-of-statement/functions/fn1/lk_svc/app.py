LK_EARLY = 1
from .m2 import Y
def handler(event, context):
    return None
