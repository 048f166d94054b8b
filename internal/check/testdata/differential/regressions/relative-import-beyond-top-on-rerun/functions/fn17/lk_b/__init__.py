import sys
if sys.platform == "linux":
    from lk_e import m0
elif True:
    import lk_e.m0 as al0
