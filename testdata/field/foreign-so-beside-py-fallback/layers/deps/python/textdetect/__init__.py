"""Detects a text's encoding (fixture; contents invented)."""
from .md import mess_ratio
