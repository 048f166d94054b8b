from lk_c import m3
