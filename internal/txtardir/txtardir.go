// Package txtardir writes a txtar archive's files into a folder: the test fixtures of
// rules, check and the report are small apps kept as one .txtar file each.
package txtardir

import (
	"os"
	"path/filepath"

	"github.com/rogpeppe/go-internal/txtar"
)

// Write writes every file of ar under dir, making the folders it needs.
func Write(dir string, ar *txtar.Archive) error {
	for _, f := range ar.Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Unpack parses the txtar file and writes its files under dir; it returns the archive
// (its comment holds a fixture's notes).
func Unpack(file, dir string) (*txtar.Archive, error) {
	ar, err := txtar.ParseFile(file)
	if err != nil {
		return nil, err
	}
	return ar, Write(dir, ar)
}
