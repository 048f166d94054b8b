from lk_e.m2 import X
LK_LATE = 1
