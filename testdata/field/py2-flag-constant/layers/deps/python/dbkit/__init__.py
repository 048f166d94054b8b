"""A database driver (fixture; contents invented), written for Python 2 and 3."""
from dbkit._compat import PY2, text_type
from dbkit.options import Parser
