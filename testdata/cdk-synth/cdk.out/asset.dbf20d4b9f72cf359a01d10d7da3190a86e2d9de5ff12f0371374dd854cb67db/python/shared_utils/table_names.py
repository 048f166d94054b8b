import os

CONNECTIONS_TABLE = os.environ.get("CONNECTIONS_TABLE", "connections")
REPORTS_TABLE = os.environ.get("REPORTS_TABLE", "reports")
