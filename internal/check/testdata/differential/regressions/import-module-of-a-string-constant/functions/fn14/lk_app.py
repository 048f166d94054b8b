import os, sys, site, pathlib
sys.path[0:0] = [os.path.join(os.environ["LAMBDA_TASK_ROOT"], "lkdeps")]
try:
    from lk_b.m2 import f as al0
    def handler(event, context):
        return None
except ImportError:
    pass
