//go:build !linux

package tree

import (
	"io"
	"io/fs"
	"os"
)

// Elsewhere than on Linux every DirTree listing and read goes through os.Root.

func (d *DirTree) readFast(string, func(io.Reader) ([]byte, error)) ([]byte, bool, error) {
	return nil, false, nil
}

func (d *DirTree) loadFast(string, *listing, bool) *listing { return nil }

func sameFile(a, b fs.FileInfo) bool { return os.SameFile(a, b) }

// ReadDirTypes lists the folder path by name and type, sorted by name (os.ReadDir).
func ReadDirTypes(path string) ([]DirEntry, error) {
	des, err := os.ReadDir(path)
	out := make([]DirEntry, 0, len(des))
	for _, de := range des {
		out = append(out, DirEntry{Name: de.Name(), Type: de.Type()})
	}
	return out, err
}
