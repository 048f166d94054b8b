from lk_c.m2 import Y as handler
