def boot():
    import lk_missing
try:
    boot()
except ImportError:
    pass
boot()
def handler(event, context):
    return None
