"""Renders a report (fixture; contents invented)."""
import fonts
import schemas
from utilities import title


def handler(event, context):
    return {"title": title(event["name"]), "font": fonts.SERIF_BOLD, "schema": schemas.TABLE_SCHEMA}
