#!/bin/sh
# Creates the layer folders and the export function's package before `sam build`.
set -e
mkdir -p build/vendor-layer/python build/shared-layer build/export
pip install -r vendor-requirements.txt -t build/vendor-layer/python
cp -r shared/* build/shared-layer/
cp -r export/* build/export/
