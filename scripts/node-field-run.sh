#!/bin/bash
# node-field-run.sh: the Node.js field run of issue 17 (docs/field-tests.md). For each app
# exported under $APPS (scripts/field-export.py), materializes each function's /var/task and
# /opt as Lambda would have them after the app's documented build (function package: the
# CodeUri folder with `npm install --omit=dev`, as sam build does; layers extracted into /opt
# in order, a BuildMethod nodejsNN.x layer under nodejs/ with its package.json installed), then
# loads the handlers with scripts/node-field-load.sh. Needs the npm registry.
#
# usage: APPS=/tmp/nodefield/apps OUT=/tmp/nodefield/roots scripts/node-field-run.sh [APP...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
APPS=${APPS:-/tmp/nodefield/apps}; OUT=${OUT:-/tmp/nodefield/roots}
npmi() { (cd "$1" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null); }
# fn ROOT DIR: the function package (sam build: the CodeUri folder, dependencies installed)
fn() { mkdir -p "$1/var/task"; cp -a "$2/." "$1/var/task/"; rm -rf "$1/var/task/node_modules"; [ ! -f "$1/var/task/package.json" ] || npmi "$1/var/task"; }
# layer ROOT DIR: a layer zipped as it is (its node_modules installed where a package.json says, the app's documented step)
layer() { mkdir -p "$1/opt"; cp -a "$2/." "$1/opt/"; }
# buildlayer ROOT DIR: a BuildMethod nodejsNN.x layer (sam build: package.json installed under nodejs/)
buildlayer() { mkdir -p "$1/opt/nodejs"; cp -a "$2/." "$1/opt/nodejs/"; rm -rf "$1/opt/nodejs/node_modules"; npmi "$1/opt/nodejs"; }
# sdkv2 ROOT: the AWS SDK v2 the runtimes up to nodejs16.x provide in /var/runtime/node_modules
sdkv2() { local c=$OUT/.runtime-v2; if [ ! -d "$c/node_modules/aws-sdk" ]; then mkdir -p "$c"; echo '{}' >"$c/package.json"; npmi "$c"; (cd "$c" && npm install aws-sdk@2 --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null); fi
  mkdir -p "$1/var/runtime"; cp -al "$c/node_modules" "$1/var/runtime/"; }
load() { local root=$1 rt=$2; shift 2; echo "## $(basename "$root") $rt $*"; "$here/node-field-load.sh" "$root" "$rt" "$@"; }

dangpg() {
  local a=$APPS/dangpg+aws-sam-shared-layers-template r
  for f in hello-world joke; do
    r=$OUT/dangpg-$f; rm -rf "$r"
    fn "$r" "$a/lambdas/$f"; layer "$r" "$a/layers/common"; npmi "$r/opt/nodejs"
    FIELD_ENV=AWS=true load "$r" nodejs14.x app.lambdaHandler
    load "$r" nodejs14.x app.lambdaHandler # without the template's AWS=true
  done
}

chromium() {
  local a=$APPS/Sparticuz+chromium r=$OUT/chromium-sam
  rm -rf "$r"; fn "$r" "$a/examples/aws-sam/functions/exampleFunction"; buildlayer "$r" "$a/examples/aws-sam/layers/chromium"
  load "$r" nodejs22.x app.lambdaHandler
  # _/amazon: the repository's own test stack, as checked out (its Makefile unzips a release
  # zip into code/ and installs puppeteer-core into handlers/ before sam local invoke)
  r=$OUT/chromium-amazon; rm -rf "$r"; fn "$r" "$a/_/amazon"; layer "$r" "$a/_/amazon/code" # no CodeUri: the template folder
  load "$r" nodejs20.x handlers/index.handler
  load "$r" nodejs24.x handlers/cjs.handler
  # each error on its own: the layer's @sparticuz/chromium (from the examples/aws-sam layer) in
  # place, then also puppeteer-core where the Makefile installs it (handlers/node_modules)
  cp -a "$OUT/chromium-sam/opt/." "$r/opt/"; echo "(layer filled)"
  load "$r" nodejs20.x handlers/index.handler; load "$r" nodejs24.x handlers/cjs.handler
  npm install --prefix "$r/var/task/handlers" puppeteer-core --ignore-scripts --omit=optional --omit=dev --package-lock=false --save=false --no-audit --no-fund --loglevel=error >/dev/null
  echo "(and make's puppeteer-core)"; load "$r" nodejs20.x handlers/index.handler; load "$r" nodejs24.x handlers/cjs.handler
  # examples/serverless-graviton-with-pack: Serverless packs the folder with its node_modules
  r=$OUT/chromium-graviton; rm -rf "$r"; fn "$r" "$a/examples/serverless-graviton-with-pack"; load "$r" nodejs22.x index.handler
  # examples/serverless-with-lambda-layer and -preexisting-lambda-layer: the layer (chromium.zip, an ARN) absent
  for e in serverless-with-lambda-layer serverless-with-preexisting-lambda-layer; do
    r=$OUT/chromium-$e; rm -rf "$r"; fn "$r" "$a/examples/$e"; echo "(no layer)"; load "$r" nodejs18.x index.handler
  done
}

eliot() {
  # layers: the eliot-layers application (layers/template.yml), published from the same
  # repository; its nodejs/ folders are installed (npm ci) before sam package
  local a=$APPS/daaru00+eliot r svc extra h
  for svc in oauth2 iot google alexa; do
    r=$OUT/eliot-$svc; rm -rf "$r"; fn "$r" "$a/services/$svc/src"; sdkv2 "$r"
    layer "$r" "$a/layers/common"; npmi "$r/opt/nodejs"
    case $svc in iot) extra=iot ;; google) extra=google ;; *) extra= ;; esac
    if [ -n "$extra" ]; then cp -a "$a/layers/$extra/." "$r/opt/x-$extra"; npmi "$r/opt/x-$extra/nodejs"; cp -a "$r/opt/x-$extra/." "$r/opt/"; rm -rf "$r/opt/x-$extra"; fi
    mapfile -t hs < <(sed -n 's/^ *Handler: *//p' "$a/services/$svc/template.yml")
    load "$r" nodejs12.x "${hs[@]}"
    mv "$r/opt" "$r/opt.layers"; mkdir "$r/opt"
    echo "(without the layers)"; load "$r" nodejs12.x "${hs[@]}"
    rm -rf "$r/opt"; mv "$r/opt.layers" "$r/opt"
  done
}

diagnal() {
  # layer: the diagnal-layers service (layers/serverless.yml, path common), deployed by its
  # npm script "deploy" (npm install in internal/ and common/nodejs, then sls deploy; the
  # file: dependency's symlink is followed when Serverless zips the layer)
  local a=$APPS/venkatakrishna-inti+diagnal-task r=$OUT/diagnal-parser w=$OUT/diagnal-work
  rm -rf "$r" "$w"; mkdir -p "$r/var/task" "$w"; cp -a "$a/crawler/." "$r/var/task/" # its only dependency, jest, is not loaded
  cp -a "$a/layers/." "$w/"; npmi "$w/internal"; npmi "$w/common/nodejs"
  mkdir -p "$r/opt"; cp -aL "$w/common/." "$r/opt/"
  load "$r" nodejs12.x src/parser/index.handler
  mv "$r/opt" "$r/opt.layers"; mkdir "$r/opt"; echo "(without the layer)"; load "$r" nodejs12.x src/parser/index.handler; rm -rf "$r/opt"; mv "$r/opt.layers" "$r/opt"
}

aaronwht() {
  # the layer is dependencies/ as it is, with its nodejs/package.json installed (README)
  local a=$APPS/aaronwht+aws-sam-layers r=$OUT/aaronwht-index
  rm -rf "$r"; fn "$r" "$a/extend"; layer "$r" "$a/dependencies"; npmi "$r/opt/nodejs"
  load "$r" nodejs12.x index.handler
  rm "$r/opt/nodejs/helper.js"; echo "(without the layer's nodejs/helper.js)"; load "$r" nodejs12.x index.handler
}

blmille1() {
  local a=$APPS/blmille1+aws-sam-layers-template r
  for f in func1 func2; do
    r=$OUT/blmille1-$f; rm -rf "$r"; fn "$r" "$a/lambdas/$f"
    if [ $f = func2 ]; then layer "$r" "$a/layers/layer1"; npmi "$r/opt/nodejs"; fi
    FIELD_ENV=AWS=true load "$r" nodejs12.x app.lambdaHandler
  done
  rm "$r/opt/nodejs/common.js"; echo "(without the layer's nodejs/common.js)"; FIELD_ENV=AWS=true load "$r" nodejs12.x app.lambdaHandler
}

for app in ${@:-dangpg chromium eliot diagnal aaronwht blmille1}; do "$app"; done
