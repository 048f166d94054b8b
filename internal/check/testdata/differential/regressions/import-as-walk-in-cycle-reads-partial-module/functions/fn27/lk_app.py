import lk_a.m0.m3  # import lk_zz
def handler(event, context):
    return None
