from lk_svc.app import LK_EARLY as lk_seen
