"""A queue client (fixture; contents invented)."""
from mqkit.compat import url_parse_qs
import mqkit.compat
import mqkit.connection
