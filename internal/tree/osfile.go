package tree

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrNotRegular is returned (wrapped) by ReadOSFile for a FIFO, socket, device or
// folder: reading one could block forever or never end.
var ErrNotRegular = errors.New("not a regular file")

// ReadOSFile reads a file named by an operating-system path (a template, a manifest, a
// Terraform file), as os.ReadFile does but refusing what is not a regular file and
// files over limit bytes (MaxFileSize when limit <= 0). Errors are *fs.PathError
// wrapping fs.ErrNotExist, ErrNotRegular, ErrTooLarge or the I/O error.
func ReadOSFile(path string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = MaxFileSize()
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "read", Path: path, Err: ErrNotRegular}
	}
	if fi.Size() > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: %d bytes, over the cap of %d", ErrTooLarge, fi.Size(), limit)}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() { // replaced since the Stat above
		return nil, &fs.PathError{Op: "read", Path: path, Err: ErrNotRegular}
	}
	b, err := readAll(f, fi.Size(), limit)
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: ErrTooLarge}
	}
	return b, nil
}
