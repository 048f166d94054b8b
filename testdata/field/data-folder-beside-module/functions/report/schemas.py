TABLE_SCHEMA = "/opt/python/schemas/table_schema.json"
