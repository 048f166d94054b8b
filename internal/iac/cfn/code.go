package cfn

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

// DisplayPath returns abs relative to root with forward slashes ("" for root itself).
// A path outside root keeps its "../" prefix; one on another volume stays absolute.
func DisplayPath(root, abs string) string {
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return filepath.ToSlash(abs)
	}
	rel = filepath.ToSlash(rel)
	if rel == "." {
		return ""
	}
	return rel
}

// ErrNotFound is returned (wrapped) by OpenLocal when the path does not exist.
var ErrNotFound = errors.New("does not exist")

// OpenLocal opens a local code location: a folder (tree.Dir) or a .zip file
// (tree.Zip). root is the checked PATH's folder, for display names. The returned
// Code has Tree and Display set; isDir tells which it was. Errors: ErrNotFound
// (wrapped) when nothing is there; otherwise a message fit for a note.
func OpenLocal(root, abs string) (code *model.Code, isDir bool, err error) {
	disp := DisplayPath(root, abs)
	fi, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, false, ErrNotFound
		}
		return nil, false, err
	}
	if fi.IsDir() {
		t, err := tree.Dir(abs, disp)
		if err != nil {
			return nil, true, err
		}
		d := disp + "/"
		if disp == "" {
			d = "./"
		}
		return &model.Code{Tree: t, Display: d}, true, nil
	}
	if !strings.EqualFold(filepath.Ext(abs), ".zip") && !strings.EqualFold(filepath.Ext(abs), ".jar") {
		return nil, false, fmt.Errorf("is a file, not a folder or a .zip archive")
	}
	z, err := tree.Zip(abs, disp)
	if err != nil {
		return nil, false, fmt.Errorf("cannot be read as a zip archive: %v", unwrapPath(err))
	}
	return &model.Code{Tree: z, Display: disp}, false, nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// InlineCode is the package CloudFormation makes from inline source (Code.ZipFile,
// SAM InlineCode): one file named index with the runtime's extension (index.py,
// index.js; "index" for other runtimes). label names it for users
// ("template.yaml#MyFunction.ZipFile").
func InlineCode(runtime, source, label string) *model.Code {
	name := "index"
	switch {
	case strings.HasPrefix(runtime, "python"):
		name = "index.py"
	case strings.HasPrefix(runtime, "nodejs"):
		name = "index.js"
	}
	return &model.Code{Tree: tree.NewMap(label, map[string]string{name: source}), Display: label}
}
