// Package iac holds what the infrastructure-as-code loaders share: the input error they
// return for input that cannot be read. Each front-end lives in a sub-package
// (sam, cdk, terraform, serverless, artifacts) and produces a model.App.
package iac

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

// InputError is input that cannot be read at all: malformed YAML/JSON/HCL, a template
// that is not a template. The CLI prints it and exits 2. Problems inside a readable
// template (a Ref to nothing, a missing CodeUri folder) are model.Notes instead.
type InputError struct {
	Pos model.Pos
	Msg string
	// Root is the absolute folder Pos.File is relative to, when the loader's caller
	// knows it (check.Run sets the checked PATH), so the CLI can name the file
	// relative to the current folder, as it names the files of findings.
	Root string
}

// Display is the error with Pos.File relative to base (absolute) instead of Root; as
// Error when Root is unknown or the file cannot be put relative to base.
func (e *InputError) Display(base string) string {
	if e.Root == "" || e.Pos.File == "" || filepath.IsAbs(e.Pos.File) {
		return e.Error()
	}
	rel, err := filepath.Rel(base, filepath.Join(e.Root, filepath.FromSlash(e.Pos.File)))
	if err != nil {
		return e.Error()
	}
	c := *e
	c.Root, c.Pos.File = "", filepath.ToSlash(rel)
	return c.Error()
}

// InputErrors are several IaC roots that could not be read (and none that could).
type InputErrors struct{ List []*InputError }

func (e *InputErrors) Error() string {
	msgs := make([]string, len(e.List))
	for i, ie := range e.List {
		msgs[i] = ie.Error()
	}
	return strings.Join(msgs, "; ")
}

// WithRoot sets the Root of an *InputError in err's chain that has none, and returns
// err.
func WithRoot(err error, root string) error {
	var ie *InputError
	if errors.As(err, &ie) && ie.Root == "" {
		ie.Root = root
	}
	return err
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

// Limits are what one load may read (README "Limits"): the caps on files and the
// places outside the checked folder code locations may point into. A load carries its
// own, so two checks with different limits can run in one process; the zero value is
// the defaults.
type Limits struct {
	// MaxFileSize caps each file read from a package or layer, folder or zip
	// (--max-file-size, bytes); <= 0 means tree.DefaultMaxFileSize.
	MaxFileSize int64
	// MaxTemplateSize caps each configuration file (--max-template-size, bytes); <= 0
	// means DefaultMaxTemplateSize.
	MaxTemplateSize int64
	// AllowOutside are the places outside the checked folder that code locations may
	// resolve into (--allow-outside), as ResolveOutside returns them; nil allows none.
	AllowOutside []string
}

// Options are what a loader is given besides the folder and file it reads.
type Options struct {
	Limits
	// VarFiles are Terraform variable files (--var-file, as terraform's -var-file), read
	// after terraform.tfvars and *.auto.tfvars, later ones winning. They apply to the
	// root module; a relative path is relative to the working folder.
	VarFiles []string
}

// TemplateCap returns the cap on configuration files.
func (l Limits) TemplateCap() int64 {
	if l.MaxTemplateSize <= 0 {
		return DefaultMaxTemplateSize
	}
	return l.MaxTemplateSize
}

// Caps are the read bounds of the trees a load opens.
func (l Limits) Caps() tree.Caps { return tree.Caps{MaxFileSize: l.MaxFileSize} }

// Dir opens a code folder with the limits' caps (tree.Dir).
func (l Limits) Dir(root, display string) (tree.Tree, error) { return l.Caps().Dir(root, display) }

// Zip opens a code archive with the limits' caps (tree.Zip).
func (l Limits) Zip(path, display string) (*tree.ZipTree, error) {
	return l.Caps().Zip(path, display)
}

// ReadConfig reads a configuration file, refusing what is not a regular file (a FIFO
// would block forever, /dev/zero never ends) and files over the template cap. The error
// is a plain message without the path, for the caller to put in an InputError.
func (l Limits) ReadConfig(path string) ([]byte, error) {
	b, err := tree.ReadOSFile(path, l.TemplateCap())
	switch {
	case err == nil:
		return b, nil
	case errors.Is(err, tree.ErrTooLarge):
		return nil, fmt.Errorf("the file is larger than the %d-byte cap on templates and configuration files (--max-template-size)", l.TemplateCap())
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
