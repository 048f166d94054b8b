from lk_c.m3 import f as al0
