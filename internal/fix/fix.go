// Package fix applies the fixes findings carry (model.Fix) to the checked folder: byte
// edits at the positions the readers reported, and file moves. It never re-serializes a
// file: every byte outside an edit stays as it was.
//
// An edit applies only to the content the finding saw (the file's SHA-256 and the bytes
// it replaces); a fix applies whole or not at all; fixes that touch the same bytes
// differently conflict, and the later one waits for the next run. Nothing outside the
// checked folder is read or written (symbolic links are not followed), and every write
// is atomic: a temporary file in the same folder, renamed over the original.
//
// Prepare works out what would change (Plan.Diff prints it as a unified diff, for
// --diff); Plan.Write writes it (--fix).
package fix

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/tree"
)

// Plan is what applying the fixes of one check would change under Root.
type Plan struct {
	Root  string  // absolute; every path below is relative to it, with forward slashes
	Files []*File // the files whose content changes, by path
	Moves []model.Move
	// Applied are the fixes the plan makes, one per distinct fix (findings that share a
	// fix share its entry), with the findings they resolve.
	Applied []Applied
	// Skipped are fixes the plan does not make, and why (a conflict, a file that
	// changed since the check, a path outside Root).
	Skipped []Skipped
	// Unsafe counts the unsafe fixes left out because unsafe fixes were not asked for.
	Unsafe int
}

// File is one changed file: its content before and after.
type File struct {
	Path          string
	Before, After []byte
	mode          os.FileMode
	created       bool // the file does not exist yet
	edits         []model.Edit
}

// Applied is one fix the plan makes.
type Applied struct {
	Fix      *model.Fix
	Findings []finding.Finding
}

// Skipped is one fix the plan leaves out.
type Skipped struct {
	Fix     *model.Fix
	Finding finding.Finding
	Reason  string
}

// Sum is the SHA-256 of b in hex, as model.Edit.Sum holds it.
func Sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// Prepare works out the plan for the fixes of findings under root: every safe fix, and
// the unsafe ones too when unsafe is set. Findings without a fix are ignored.
func Prepare(root string, findings []finding.Finding, unsafe bool) (*Plan, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, err
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, err
	}
	p := &Plan{Root: abs}
	pr := &preparer{plan: p, real: real, files: map[string]*File{}, moved: map[string]bool{}}
	seen := map[string]int{} // fix key → index in Applied
	for _, f := range findings {
		fx := f.Fix
		if fx == nil {
			continue
		}
		if fx.Unsafe && !unsafe {
			p.Unsafe++
			continue
		}
		k := key(fx)
		if i, ok := seen[k]; ok {
			p.Applied[i].Findings = append(p.Applied[i].Findings, f)
			continue
		}
		if reason := pr.add(fx); reason != "" {
			p.Skipped = append(p.Skipped, Skipped{Fix: fx, Finding: f, Reason: reason})
			continue
		}
		seen[k] = len(p.Applied)
		p.Applied = append(p.Applied, Applied{Fix: fx, Findings: []finding.Finding{f}})
	}
	for _, name := range sortedKeys(pr.files) {
		file := pr.files[name]
		file.After = apply(file.Before, file.edits)
		if !bytes.Equal(file.Before, file.After) {
			p.Files = append(p.Files, file)
		}
	}
	return p, nil
}

// Changes reports whether the plan changes anything.
func (p *Plan) Changes() bool { return len(p.Files) > 0 || len(p.Moves) > 0 }

type preparer struct {
	plan  *Plan
	real  string // Root with its symbolic links resolved
	files map[string]*File
	moved map[string]bool
}

// add takes fx into the plan when every edit and move of it applies; otherwise it
// leaves the plan as it was and says why.
func (pr *preparer) add(fx *model.Fix) string {
	if len(fx.Edits) == 0 && len(fx.Moves) == 0 {
		return "the fix changes nothing"
	}
	staged := map[string][]model.Edit{}
	for _, e := range fx.Edits {
		file, reason := pr.file(e.File, e.Sum == Sum(nil) && e.Start == 0 && e.End == 0)
		if reason != "" {
			return reason
		}
		if e.Sum != "" && e.Sum != Sum(file.Before) {
			return fmt.Sprintf("%s changed since it was checked", e.File)
		}
		if e.Start < 0 || e.End < e.Start || e.End > len(file.Before) || string(file.Before[e.Start:e.End]) != e.Old {
			return fmt.Sprintf("%s no longer holds %q at byte %d", e.File, e.Old, e.Start)
		}
		for _, other := range append(slices.Clone(file.edits), staged[e.File]...) {
			if other == e {
				continue
			}
			if overlaps(other, e) {
				return fmt.Sprintf("it edits %s at bytes %d-%d, where another fix edits it", e.File, e.Start, e.End)
			}
		}
		staged[e.File] = append(staged[e.File], e)
	}
	for _, m := range fx.Moves {
		if reason := pr.checkMove(m); reason != "" {
			return reason
		}
	}
	for name, es := range staged {
		file := pr.files[name]
		for _, e := range es {
			if !slices.Contains(file.edits, e) {
				file.edits = append(file.edits, e)
			}
		}
	}
	for _, m := range fx.Moves {
		pr.moved[m.From], pr.moved[m.To] = true, true
		pr.plan.Moves = append(pr.plan.Moves, m)
	}
	return ""
}

// overlaps reports whether two edits touch the same bytes (two insertions at one place
// count: their order would be a guess).
func overlaps(a, b model.Edit) bool {
	if a.Start == a.End && b.Start == b.End {
		return a.Start == b.Start
	}
	return a.Start < b.End && b.Start < a.End || a.Start == a.End && a.Start > b.Start && a.Start < b.End ||
		b.Start == b.End && b.Start > a.Start && b.Start < a.End
}

// file reads the file name (relative to Root) once, refusing what is not a regular file
// inside Root; a missing file is empty when create is set.
func (pr *preparer) file(name string, create bool) (*File, string) {
	if f, ok := pr.files[name]; ok {
		return f, ""
	}
	full, reason := pr.inside(name)
	if reason != "" {
		return nil, reason
	}
	info, err := os.Lstat(full)
	if errors.Is(err, os.ErrNotExist) && create {
		// A fix that saw no file (its edit holds the SHA-256 of nothing, at byte 0)
		// creates it.
		f := &File{Path: name, mode: 0o644, created: true}
		pr.files[name] = f
		return f, ""
	}
	if err != nil {
		return nil, fmt.Sprintf("%s: %v", name, iac.UnwrapPath(err))
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Sprintf("%s is not a regular file", name)
	}
	// The files a fix edits were read through the check's trees, under their caps; the
	// default cap (64 MiB) bounds this read of the same file.
	b, err := tree.ReadOSFile(full, 0)
	if err != nil {
		return nil, fmt.Sprintf("%s: %v", name, iac.UnwrapPath(err))
	}
	f := &File{Path: name, Before: b, mode: info.Mode().Perm()}
	pr.files[name] = f
	return f, ""
}

// inside returns the path of name (relative to Root, forward slashes) on disk, or why
// it may not be written: absolute, climbing out, or below a symbolic link that leads
// out of Root.
func (pr *preparer) inside(name string) (string, string) {
	clean := path.Clean(name)
	if name == "" || path.IsAbs(name) || filepath.IsAbs(name) || clean == "." || clean == ".." || strings.HasPrefix(clean, "../") || clean != name {
		return "", fmt.Sprintf("%s is not a path inside the checked folder", name)
	}
	full := filepath.Join(pr.plan.Root, filepath.FromSlash(name))
	dir, err := filepath.EvalSymlinks(filepath.Dir(full))
	if err != nil {
		return "", fmt.Sprintf("%s: %v", name, iac.UnwrapPath(err))
	}
	if !iac.Within(pr.real, dir) {
		return "", fmt.Sprintf("%s is outside the checked folder (through a symbolic link)", name)
	}
	return full, ""
}

func (pr *preparer) checkMove(m model.Move) string {
	from, reason := pr.inside(m.From)
	if reason != "" {
		return reason
	}
	if _, reason := pr.inside(m.To); reason != "" {
		if _, err := os.Stat(filepath.Dir(filepath.Join(pr.plan.Root, filepath.FromSlash(m.To)))); !errors.Is(err, os.ErrNotExist) {
			return reason
		}
		// the target's folder does not exist yet: the move makes it
	}
	for moved := range pr.moved {
		if moved == m.From || moved == m.To || strings.HasPrefix(m.From, moved+"/") || strings.HasPrefix(m.To, moved+"/") ||
			strings.HasPrefix(moved, m.From+"/") || strings.HasPrefix(moved, m.To+"/") {
			return fmt.Sprintf("another fix moves %s or %s", m.From, m.To)
		}
	}
	if _, ok := pr.files[m.From]; ok {
		return fmt.Sprintf("another fix edits %s", m.From)
	}
	info, err := os.Lstat(from)
	if err != nil {
		return fmt.Sprintf("%s: %v", m.From, iac.UnwrapPath(err))
	}
	if m.Sum != "" {
		if !info.Mode().IsRegular() {
			return fmt.Sprintf("%s is no longer a regular file", m.From)
		}
		b, err := tree.ReadOSFile(from, 0)
		if err != nil {
			return fmt.Sprintf("%s: %v", m.From, iac.UnwrapPath(err))
		}
		if Sum(b) != m.Sum {
			return fmt.Sprintf("%s changed since it was checked", m.From)
		}
	}
	if _, err := os.Lstat(filepath.Join(pr.plan.Root, filepath.FromSlash(m.To))); !errors.Is(err, os.ErrNotExist) {
		return fmt.Sprintf("%s already exists", m.To)
	}
	return ""
}

// apply returns src with edits made (they do not overlap).
func apply(src []byte, edits []model.Edit) []byte {
	es := slices.Clone(edits)
	slices.SortStableFunc(es, func(a, b model.Edit) int { return a.Start - b.Start })
	var out bytes.Buffer
	at := 0
	for _, e := range es {
		out.Write(src[at:e.Start])
		out.WriteString(e.New)
		at = e.End
	}
	out.Write(src[at:])
	return out.Bytes()
}

// key identifies a fix by what it does, so that findings sharing one (two functions
// with the same code) apply it once.
func key(fx *model.Fix) string {
	var b strings.Builder
	for _, e := range fx.Edits {
		fmt.Fprintf(&b, "e\x00%s\x00%d\x00%d\x00%s\x00%s\x00", e.File, e.Start, e.End, e.Old, e.New)
	}
	for _, m := range fx.Moves {
		fmt.Fprintf(&b, "m\x00%s\x00%s\x00", m.From, m.To)
	}
	return b.String()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
