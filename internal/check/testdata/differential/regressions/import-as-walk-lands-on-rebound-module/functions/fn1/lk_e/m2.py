import lk_d.m2 as lk_cyc
lk_seen = lk_cyc.LK_LATE
X = 1
