// Package iac holds what the infrastructure-as-code loaders share: the input error they
// return for input that cannot be read. Each front-end lives in a sub-package
// (sam, cdk, terraform, serverless, artifacts) and produces a model.App.
package iac

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sync/atomic"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

// InputError is input that cannot be read at all: malformed YAML/JSON/HCL, a template
// that is not a template. The CLI prints it and exits 2. Problems inside a readable
// template (a Ref to nothing, a missing CodeUri folder) are model.Notes instead.
type InputError struct {
	Pos model.Pos
	Msg string
}

func (e *InputError) Error() string {
	switch {
	case e.Pos.Line > 0 && e.Pos.Col > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.Pos.File, e.Pos.Line, e.Pos.Col, e.Msg)
	case e.Pos.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.Pos.File, e.Pos.Line, e.Msg)
	case e.Pos.File != "":
		return fmt.Sprintf("%s: %s", e.Pos.File, e.Msg)
	}
	return e.Msg
}

// Errorf returns an *InputError at pos.
func Errorf(pos model.Pos, format string, args ...any) error {
	return &InputError{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

// DefaultMaxTemplateSize is the default cap on one configuration file: a template, a
// cloud assembly manifest, a Terraform file, serverless.yml: 1 MiB, what CloudFormation
// itself accepts. The YAML and HCL parsers build trees 100 to 400 times the size of
// their input, so this cap is what bounds the memory a hostile template can take.
const DefaultMaxTemplateSize = 1 << 20

var maxTemplateSize atomic.Int64

func init() { maxTemplateSize.Store(DefaultMaxTemplateSize) }

// SetMaxTemplateSize sets the cap on configuration files; n <= 0 restores the default.
func SetMaxTemplateSize(n int64) {
	if n <= 0 {
		n = DefaultMaxTemplateSize
	}
	maxTemplateSize.Store(n)
}

// MaxTemplateSize returns the cap on configuration files.
func MaxTemplateSize() int64 { return maxTemplateSize.Load() }

// ReadConfig reads a configuration file, refusing what is not a regular file (a FIFO
// would block forever, /dev/zero never ends) and files over MaxTemplateSize. The error
// is a plain message without the path, for the caller to put in an InputError.
func ReadConfig(path string) ([]byte, error) {
	b, err := tree.ReadOSFile(path, MaxTemplateSize())
	switch {
	case err == nil:
		return b, nil
	case errors.Is(err, tree.ErrTooLarge):
		return nil, fmt.Errorf("the file is larger than the %d-byte cap on templates and configuration files (--max-template-size)", MaxTemplateSize())
	case errors.Is(err, tree.ErrNotRegular):
		return nil, errors.New("not a regular file")
	}
	return nil, UnwrapPath(err)
}

// Rel names p relative to root with forward slashes ("." for root itself); a path
// outside root keeps its "../" prefix, one on another volume stays as given.
func Rel(root, p string) string {
	r, err := filepath.Rel(root, p)
	if err != nil {
		return filepath.ToSlash(p)
	}
	return filepath.ToSlash(r)
}

// UnwrapPath returns the cause inside an *fs.PathError ("no such file or directory"),
// for messages that name the path themselves; other errors as they are.
func UnwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
