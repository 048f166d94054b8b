import httpx
from pydantic import BaseModel

from app.routes import status


class Health(BaseModel):
    ok: bool


def handler(event, context):
    return {"statusCode": 200, "body": Health(ok=status.ok()).model_dump_json()}
