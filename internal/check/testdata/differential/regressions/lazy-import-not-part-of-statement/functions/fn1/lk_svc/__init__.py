from lk_e import m3  # import lk_zz
