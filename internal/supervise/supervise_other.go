//go:build !unix

package supervise

// Elsewhere layerkit runs in one process: a crash exits with Go's status 2.
