//go:build !linux

package verify

// Elsewhere python runs as a direct child of layerkit (no subreaper): see
// sandbox_linux.go.
const sandboxAvailable = false

func runSandbox(argv []string) int { return 125 }

func hideSelf() {}
