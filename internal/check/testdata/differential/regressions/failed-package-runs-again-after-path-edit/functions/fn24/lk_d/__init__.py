from lk_d.m0 import boot as _lk_boot
_lk_boot()
