import fonts
import common
import helpers.fmt


def handler(event, context):
    return helpers.fmt.out(common.greet(fonts.DEFAULT))
