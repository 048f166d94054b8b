import os

from aws_utils import read_object, send_message


def lambda_handler(event, context):
    data = read_object(event["bucket"], event["key"])
    send_message(os.environ["QUEUE_URL"], {"size": len(data)})
