import lk_d.m2.m1 as lk_cyc
