try:
    from lk_svc.app import g
except Exception:
    pass
