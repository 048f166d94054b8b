// Package release holds the tests of the files that ship layerkit and run it in CI, at the
// repository's root: action.yml (the GitHub Action, run with a fake runner and a local
// release), .pre-commit-hooks.yaml (against pre-commit's manifest schema),
// .goreleaser.yaml (against the archive names the action downloads) and the README's
// "Install" and "Use in CI" sections (each command and snippet tried). The release
// itself is checked by scripts/release-check.sh; the wheels by internal/wheel.
package release
