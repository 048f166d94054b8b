import slugs
import textkit


def handler(event, context):
    return textkit.wrap(slugs.slugify(event["title"]))
