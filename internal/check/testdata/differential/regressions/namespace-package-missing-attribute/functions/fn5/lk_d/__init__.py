import lk_d.m2
class _Late:
    LK_LATE = 1
m2 = _Late()
