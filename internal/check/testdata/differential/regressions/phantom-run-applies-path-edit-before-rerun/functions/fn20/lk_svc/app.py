import lk_svc.m0
site.addsitedir(os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "lkdeps"))
def handler(event, context):
    return None
