from lk_svc.app import X as handler
