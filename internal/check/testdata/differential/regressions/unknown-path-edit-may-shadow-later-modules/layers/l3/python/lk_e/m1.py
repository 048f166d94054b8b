from lk_app import LK_LATE as lk_seen
