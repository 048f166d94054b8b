import cfnresponse


def handler(event, context):
    cfnresponse.send(event, context, cfnresponse.SUCCESS, {})
