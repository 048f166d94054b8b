import numpy
import helpers
import pandas


def handler(event, context):
    return helpers.scale(numpy.zeros(1).tolist())
