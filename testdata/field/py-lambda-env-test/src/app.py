import json
import os

# Run locally, read .env; on Lambda the configuration comes from the function's environment.
if not os.environ.get("AWS_LAMBDA_FUNCTION_NAME"):
    from dotenv import load_dotenv

    load_dotenv()

if "LAMBDA_TASK_ROOT" not in os.environ:
    import local_settings  # noqa: F401  (not deployed)


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"stage": os.environ.get("STAGE", "dev")})}
