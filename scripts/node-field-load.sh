#!/bin/sh
# node-field-load.sh: load Node.js handlers with the local node as the Lambda runtime
# interface client does, on a /var/task and /opt materialized under ROOT, for the field
# tests (docs/field-tests.md, issue 17). In a user and mount namespace (unshare -rm) ROOT/opt
# is bind-mounted on /opt, ROOT/var/task on /var/task and ROOT/var/runtime on /var/runtime
# (a tmpfs over /var), so paths, NODE_PATH and require stacks are Lambda's own. The loader
# is the differential test's stand-in for the RIC (internal/verify/nodeload, shared with layerkit verify).
#
# usage: scripts/node-field-load.sh ROOT RUNTIME HANDLER...
#   ROOT/var/task   the function package (what the zip holds)
#   ROOT/opt        the layers, extracted in order
#   ROOT/var/runtime/node_modules  what the runtime provides (optional: the AWS SDK)
#   RUNTIME         nodejs12.x ... nodejs24.x (sets NODE_PATH's nodeNN folder; node is the local one)
#   FIELD_NODE_PATH the function's own NODE_PATH when it sets one (LK204), else Lambda's default
#   FIELD_ENV       the function's other environment variables, "K=V K2=V2" (no spaces in values)
# Prints one JSON line per handler: {"ok":true} or {"errorType","errorMessage","code"}.
set -eu
root=$(cd "$1" && pwd); runtime=$2; shift 2
major=$(echo "$runtime" | sed 's/^nodejs\([0-9]*\).*/\1/')
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$root/var/task" "$root/opt" "$root/var/runtime"
cp "$here/internal/verify/nodeload/index.mjs" "$here/internal/verify/nodeload/hooks.mjs" "$root/var/runtime/"
np=${FIELD_NODE_PATH:-/opt/nodejs/node$major/node_modules:/opt/nodejs/node_modules:/var/runtime/node_modules:/var/runtime:/var/task}
items=$(node -e '
const np = process.argv[1].split(":");
console.log(JSON.stringify(process.argv.slice(2).map((h) => ({ root: "", handler: h, nodePath: np }))));
' "$np" "$@")
exec unshare -rm sh -c '
set -e
mount -t tmpfs tmpfs /var
mkdir -p /var/task /var/runtime
mount --bind "$1/var/task" /var/task
mount --bind "$1/var/runtime" /var/runtime
mount --bind "$1/opt" /opt
cd /var/task
env -i PATH="$PATH" HOME=/tmp LK_MAJOR="$2" NODE_NO_WARNINGS=1 $4 node /var/runtime/index.mjs "$3"
' sh "$root" "$major" "$items" "${FIELD_ENV:-}"
