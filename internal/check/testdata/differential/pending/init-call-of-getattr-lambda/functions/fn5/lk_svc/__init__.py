from lk_svc.app import boot as _lk_boot
_lk_boot()
