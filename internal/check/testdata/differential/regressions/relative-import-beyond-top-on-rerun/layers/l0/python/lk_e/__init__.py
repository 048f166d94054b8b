try:
    import lk_c.m1  # import lk_zz
except BaseException:
    pass
else:
    from .m0 import f
