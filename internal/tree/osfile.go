package tree

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// ErrNotRegular is returned (wrapped) by ReadOSFile and Zip for a FIFO, socket, device
// or folder: reading one could block forever or never end.
var ErrNotRegular = errors.New("not a regular file")

// ReadOSFile reads a file named by an operating-system path (a template, a manifest, a
// Terraform file), as os.ReadFile does but refusing what is not a regular file and
// files over limit bytes (DefaultMaxFileSize when limit <= 0). Errors are *fs.PathError
// wrapping fs.ErrNotExist, ErrNotRegular, ErrTooLarge or the I/O error.
func ReadOSFile(path string, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = DefaultMaxFileSize
	}
	f, fi, err := openRegular(path, "read")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: fmt.Errorf("%w: %d bytes, over the cap of %d", ErrTooLarge, fi.Size(), limit)}
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

// openRegular opens path for reading when it is a regular file, and returns its info;
// otherwise the error is an *fs.PathError (with op) wrapping ErrNotRegular. It looks
// before it opens, since opening a FIFO blocks until a writer comes, and again after,
// in case the file was replaced in between.
func openRegular(path, op string) (*os.File, fs.FileInfo, error) {
	if fi, err := os.Stat(path); err != nil {
		return nil, nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, nil, &fs.PathError{Op: op, Path: path, Err: ErrNotRegular}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = &fs.PathError{Op: op, Path: path, Err: ErrNotRegular}
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, fi, nil
}
