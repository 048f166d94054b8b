from lk_zz import f
