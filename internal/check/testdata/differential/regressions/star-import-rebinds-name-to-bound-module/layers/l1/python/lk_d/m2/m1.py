from lk_d.m2 import m2, m2
