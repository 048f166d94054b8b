import lk_d.m2 as _t
def _boot(name):
    setattr(_t, "LK_" + name, 1)
_boot("LATE")
