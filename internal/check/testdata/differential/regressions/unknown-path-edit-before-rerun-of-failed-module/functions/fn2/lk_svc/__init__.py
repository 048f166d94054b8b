try:
    try:
        from .m0 import f
    except BaseException:
        pass
except ModuleNotFoundError as e:
    raise RuntimeError("a required module is missing") from e
