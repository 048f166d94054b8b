from . import m9
