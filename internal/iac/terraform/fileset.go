package terraform

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/artifacts/filter"
)

// maxFilesetEntries bounds the folder walk of one fileset call: a configuration that
// globs a huge tree gets an unknown value (its functions say why) instead of a long walk.
const maxFilesetEntries = 20000

var errFilesetTooBig = errors.New("too many files")

// filesetFunc is Terraform's fileset(path, pattern): the regular files under path (relative
// to the working folder, as Terraform resolves it) whose path relative to it matches
// pattern ("*", "?", "[...]", "{a,b}", "**" for any number of folders), as a set of
// slash-separated paths relative to path. Terraform evaluates it from the files on disk
// at plan time, so a for_each over fileset("../lambdas", "*/main.py") gives one instance
// per folder in the repository (field test: gingebot/version_notifier). A path outside
// the checked folder is refused like file().
func (l *loader) filesetFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}, {Name: "pattern", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Set(cty.String)),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			dir, pattern := args[0].AsString(), args[1].AsString()
			abs := dir
			if !filepath.IsAbs(abs) {
				abs = filepath.Join(l.cwd, filepath.FromSlash(dir))
			}
			if err := l.lim.CheckInside(l.root, abs); err != nil {
				return cty.UnknownVal(cty.Set(cty.String)), err
			}
			var out []cty.Value
			n := 0
			err := filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					if p == abs {
						return err
					}
					return nil // an unreadable folder below: Terraform's glob skips it too
				}
				if n++; n > maxFilesetEntries {
					return errFilesetTooBig
				}
				if !d.Type().IsRegular() {
					return nil
				}
				rel, err := filepath.Rel(abs, p)
				if err != nil {
					return nil
				}
				rel = filepath.ToSlash(rel)
				if filter.Match(pattern, rel) {
					out = append(out, cty.StringVal(rel))
				}
				return nil
			})
			switch {
			case errors.Is(err, errFilesetTooBig):
				return cty.UnknownVal(cty.Set(cty.String)), fmt.Errorf("fileset(%q, %q): more than %d files to walk", dir, pattern, maxFilesetEntries)
			case errors.Is(err, fs.ErrNotExist):
				// Terraform: a missing folder matches nothing
				return cty.SetValEmpty(cty.String), nil
			case err != nil:
				return cty.UnknownVal(cty.Set(cty.String)), fmt.Errorf("fileset(%q, %q): %v", dir, pattern, iac.UnwrapPath(err))
			}
			if len(out) == 0 {
				return cty.SetValEmpty(cty.String), nil
			}
			sort.Slice(out, func(i, j int) bool { return out[i].AsString() < out[j].AsString() })
			return cty.SetVal(out), nil
		},
	})
}
