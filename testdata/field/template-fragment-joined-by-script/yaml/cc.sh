#!/bin/sh
# template.yaml is these files joined
cd "$(dirname "$0")"
{ cat head.yml; cat functions.yml; cat layers.yml; } > ../template.yaml
