from lk_b.m0 import m0
