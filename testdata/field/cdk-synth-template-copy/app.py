# The CDK app (invented): cdk deploy synthesizes it again; templates/ is a copy of its output.
