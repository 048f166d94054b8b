from lk_a import m0
from . import m0
