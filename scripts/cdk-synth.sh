#!/usr/bin/env bash
# cdk-synth.sh — regenerate testdata/cdk-synth/cdk.out from the CDK app beside it.
#
# What: installs the pinned aws-cdk-lib, constructs and aws-cdk (CLI) from the npm
# registry into testdata/cdk-synth/app/node_modules (git-ignored, removed again on
# exit), runs `cdk synth` on testdata/cdk-synth/app (plain JavaScript, no build step)
# into a temporary folder, and replaces testdata/cdk-synth/cdk.out with the result.
#
# Why: layerkit's CDK loader (internal/iac/cdk) must read what the real CDK writes —
# manifest schema, nested Stage assemblies (assembly-Prod/), asset staging
# (asset.<hash>/), asset metadata, CDKMetadata — not only hand-written assemblies.
# The synthesized assembly is committed so that `go test ./...` needs neither Node nor
# the network; this script is how it was made and how to refresh it (e.g. after bumping
# the versions pinned in testdata/cdk-synth/app/package.json).
#
# How: from anywhere in the repository,
#
#     scripts/cdk-synth.sh
#
# Needs node >= 20 and npm with access to the npm registry. No AWS account or
# credentials: the account and region are fixed (123456789012, us-east-1), context
# lookups are turned off (synth fails rather than reach AWS), credentials files are
# pointed at empty files, and the CLI's version check, notices and telemetry are off.
# Idempotent: the asset hashes depend only on the sources and the app turns off
# construct creation stack traces (which hold this machine's absolute paths), so
# rerunning with the same pinned versions rewrites byte-identical files (check with
# `git status`).
# Then run: go test ./internal/iac/cdk/ ./internal/check/
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
app="$repo/testdata/cdk-synth/app"
dest="$repo/testdata/cdk-synth/cdk.out"

tmp="$(mktemp -d)"
# node_modules is removed afterwards too: its ~8,000 files (some named *.go, in the CLI's
# init templates) have no business in a checkout, and `npm ci` reinstalls it each run.
trap 'rm -rf "$tmp" "$app/node_modules"' EXIT

cd "$app"

# 1. Install the pinned toolchain (package-lock.json, when present, fixes the rest).
if [[ -f package-lock.json ]]; then
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
else
	npm install --ignore-scripts --no-audit --no-fund --loglevel=error >&2
fi

# 2. No byte-code or caches in the asset sources (the app also excludes them).
find shared-layer functions -name __pycache__ -type d -prune -exec rm -rf {} +
find shared-layer functions -name '*.pyc' -type f -delete

# 3. Synthesize, offline and without credentials.
: >"$tmp/empty"
env \
	CDK_DEFAULT_ACCOUNT=123456789012 \
	CDK_DEFAULT_REGION=us-east-1 \
	AWS_REGION=us-east-1 \
	AWS_CONFIG_FILE="$tmp/empty" \
	AWS_SHARED_CREDENTIALS_FILE="$tmp/empty" \
	AWS_EC2_METADATA_DISABLED=true \
	CDK_DISABLE_VERSION_CHECK=1 \
	CDK_DISABLE_CLI_TELEMETRY=true \
	./node_modules/.bin/cdk synth --quiet --no-notices --no-lookups --ci \
	-o "$tmp/cdk.out" >/dev/null

# 4. Replace the committed assembly. Lock files the CLI may leave behind are dropped;
# everything else (manifest.json, cdk.out, tree.json, *.template.json, *.assets.json,
# asset.<hash>/, assembly-<Stage>/) is kept as synthesized.
find "$tmp/cdk.out" -name '*.lock' -type f -delete
rm -rf "$dest"
cp -R "$tmp/cdk.out" "$dest"

echo "synthesized $(find "$dest" -type f | wc -l | tr -d ' ') files into ${dest#"$repo"/}" >&2
