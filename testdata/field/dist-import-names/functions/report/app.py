import yaml
import acme_reporting
import tabulate
import xlsxwriter


def handler(event, context):
    return yaml.safe_dump(acme_reporting.render(event, tabulate, xlsxwriter))
