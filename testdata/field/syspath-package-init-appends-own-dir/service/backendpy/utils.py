def response(body):
    return {"statusCode": 200, "body": body}
