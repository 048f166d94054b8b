from lk_e.m2 import X
