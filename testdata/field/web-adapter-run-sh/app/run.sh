#!/bin/bash
# starts the web app (fixture; contents invented)
PYTHONPATH=$LAMBDA_TASK_ROOT:/opt/python exec python3 api/server.py
