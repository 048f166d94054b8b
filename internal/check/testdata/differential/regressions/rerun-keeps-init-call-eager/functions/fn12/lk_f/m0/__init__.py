from lk_f.m0.m0 import boot as _lk_boot
_lk_boot()
