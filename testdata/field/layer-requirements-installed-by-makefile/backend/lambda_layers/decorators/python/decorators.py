import jsonschema


def validated(schema):
    def wrap(f):
        return f
    return wrap
