"""Make module loading work in a subdirectory (fixture; contents invented)."""
import os
import sys

sys.path.append(os.path.dirname(__file__))
