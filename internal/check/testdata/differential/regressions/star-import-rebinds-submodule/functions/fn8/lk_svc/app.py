try:
    from lk_a import f as al1
except ModuleNotFoundError:
    pass
def handler(event, context):
    return None
