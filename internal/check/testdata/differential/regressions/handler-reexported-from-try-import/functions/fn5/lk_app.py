from lk_d.m3 import X as handler
