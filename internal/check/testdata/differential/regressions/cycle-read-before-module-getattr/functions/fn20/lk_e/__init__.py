import lk_app as lk_cyc
lk_seen = lk_cyc.LK_LATE
