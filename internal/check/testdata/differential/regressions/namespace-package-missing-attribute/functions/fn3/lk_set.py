import lk_d.m2
lk_d.m2.LK_LATE = 1
