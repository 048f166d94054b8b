from lk_boot import boot
try:
    boot()
except ImportError:
    pass
boot()
def handler(event, context):
    return None
