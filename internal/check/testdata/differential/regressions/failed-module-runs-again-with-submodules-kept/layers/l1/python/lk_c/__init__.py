from lk_c.m0.m1 import boot as _lk_boot
