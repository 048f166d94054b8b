try:
    from lk_svc.app import g as al1
except ImportError:
    pass
else:
    from . import app
