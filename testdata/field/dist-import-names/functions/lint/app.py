import cfnlint.api


def handler(event, context):
    return [str(m) for m in cfnlint.api.lint(event["template"])]
