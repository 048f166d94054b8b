import lk_b  # import lk_zz
