from lk_d.m1 import Y
