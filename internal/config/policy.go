package config

import (
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// Policy decides which findings a check reports, at which severity: the configuration
// file merged with the command line's flags (Merge).
type Policy struct {
	Select      []rulecode.Code // only these (all when empty)
	Ignore      []rulecode.Code
	Severity    map[rulecode.Code]model.Severity
	PerFunction map[string][]rulecode.Code
	// PerPath maps globs, relative to the folder the findings' paths are relative to
	// (the checked PATH), to codes.
	PerPath map[string][]rulecode.Code
}

// Flags are the command line's values that the configuration file also sets; a flag
// given on the command line wins over the file.
type Flags struct {
	Select []rulecode.Code // --select; nil when not given
	Ignore []rulecode.Code // --ignore: added to the file's
}

// Merge builds the policy from the configuration c (nil: none) and the flags. base is
// the folder (absolute) the findings' paths are relative to: per-path-ignores, written
// relative to the configuration's folder, are rewritten relative to it.
func Merge(c *Config, fl Flags, base string) *Policy {
	p := &Policy{Select: fl.Select, Ignore: slices.Clone(fl.Ignore)}
	if c == nil {
		return p
	}
	if p.Select == nil {
		p.Select = c.Select
	}
	p.Ignore = append(p.Ignore, c.Ignore...)
	p.Severity = c.Severity
	p.PerFunction = c.PerFunction
	for g, codes := range c.PerPath {
		if r, ok := Rebase(c.Dir, base, g); ok {
			if p.PerPath == nil {
				p.PerPath = map[string][]rulecode.Code{}
			}
			p.PerPath[r] = codes
		}
	}
	return p
}

// Rebase rewrites the glob g, relative to folder from, relative to folder to; a glob
// without "/" (a name) is kept; ok is false when g is outside to.
func Rebase(from, to, g string) (string, bool) {
	if !strings.Contains(g, "/") || from == to {
		return g, true
	}
	rel, err := filepath.Rel(to, filepath.Join(from, filepath.FromSlash(g)))
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// Excludes are c's exclude globs relative to base (as --exclude takes them).
func (c *Config) Excludes(base string) []string {
	var out []string
	for _, g := range c.Exclude {
		if r, ok := Rebase(c.Dir, base, g); ok {
			out = append(out, r)
		}
	}
	return out
}

// Apply returns the findings p keeps, with their severity as configured.
func (p *Policy) Apply(fs []finding.Finding) []finding.Finding {
	out := fs[:0:0]
	for _, f := range fs {
		if s, ok := p.Severity[f.Code]; ok {
			f.Severity = s
		}
		if len(p.Select) > 0 && !slices.Contains(p.Select, f.Code) {
			continue
		}
		if slices.Contains(p.Ignore, f.Code) || p.functionIgnores(f) || p.pathIgnores(f) {
			continue
		}
		out = append(out, f)
	}
	return out
}

func (p *Policy) functionIgnores(f finding.Finding) bool {
	if f.Function == "" {
		return false
	}
	for name, codes := range p.PerFunction {
		// A function's name may be qualified by its IaC root's folder
		// ("services/orders/Fn") when names repeat.
		if (f.Function == name || strings.HasSuffix(f.Function, "/"+name)) && slices.Contains(codes, f.Code) {
			return true
		}
	}
	return false
}

func (p *Policy) pathIgnores(f finding.Finding) bool {
	if f.Pos.File == "" {
		return false
	}
	for g, codes := range p.PerPath {
		if slices.Contains(codes, f.Code) && MatchPath(g, f.Pos.File) {
			return true
		}
	}
	return false
}

// MatchPath reports whether glob g matches file or one of its parent folders (a glob
// without "/" may match any one name along the path).
func MatchPath(g, file string) bool {
	file = strings.TrimPrefix(file, "./")
	if !strings.Contains(g, "/") {
		for _, part := range strings.Split(file, "/") {
			if ok, _ := path.Match(g, part); ok {
				return true
			}
		}
		return false
	}
	for p := file; p != "." && p != "/" && p != ""; p = path.Dir(p) {
		if ok, _ := path.Match(strings.TrimSuffix(g, "/"), p); ok {
			return true
		}
	}
	return false
}
