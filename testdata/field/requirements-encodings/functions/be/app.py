import jmespath
import tabulate
import yaml


def handler(event, context):
    return tabulate.tabulate(jmespath.search("a", event))
