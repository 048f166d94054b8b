import shared_helpers
import shared_formatting


def handler(event, context):
    return shared_helpers.shout(shared_formatting.fmt(event))
