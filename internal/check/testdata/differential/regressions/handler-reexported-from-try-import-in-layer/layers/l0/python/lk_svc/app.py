try:
    from lk_b import X  # import lk_zz
except BaseException:
    pass
