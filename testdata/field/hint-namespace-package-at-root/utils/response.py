def ok(body):
    return {"statusCode": 200, "body": body}
