import lk_f.m0, lk_f.m0.m0  # import lk_zz
if True:
    def handler(event, context):
        return None
