from lk_boot import boot
try:
    boot()
except ImportError:
    pass
def handler(event, context):
    return None
