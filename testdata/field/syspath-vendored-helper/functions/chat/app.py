import os
import sys

chain_path = os.path.join(os.environ["LAMBDA_TASK_ROOT"], "python", "chainlib")
sys.path.append(chain_path)

from runner import run


def handler(event, context):
    return run(event)
