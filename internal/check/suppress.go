package check

import (
	"bytes"
	"fmt"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/rules"
	"github.com/layerkit/layerkit/internal/suppress"
	"github.com/layerkit/layerkit/internal/tree"
)

// ignores applies the inline ignores of each app of a check — the loaders' (Metadata,
// Terraform comments, custom.layerkit) and the comments of the source files its
// functions load (Python "# layerkit: ignore[...]", JavaScript "// layerkit-ignore
// ...") — to its findings, and tracks which suppressed nothing. A source file in a
// folder two IaC roots share is read for each; its ignore is unused only when it
// suppressed nothing in any of them.
type ignores struct {
	idle []suppress.Unused // in the order first seen, each once
	// read and unused count, per ignore (and code), the apps that read it and those
	// in which it suppressed nothing.
	read, unused map[string]int
}

func newIgnores() *ignores {
	return &ignores{read: map[string]int{}, unused: map[string]int{}}
}

func ignoreKey(s model.Suppression, code rulecode.Code) string {
	return fmt.Sprintf("%s:%d:%d\x00%s\x00%s\x00%d", s.Pos.File, s.Pos.Line, s.Pos.Col, s.Function, s.Layer, code)
}

// apply drops the findings of app the ignores suppress. A malformed ignore comment is
// an input error at its line.
// src are the ignore comments of the source files its functions load (sourceScan).
func (g *ignores) apply(app *model.App, src []model.Suppression, found []finding.Finding) ([]finding.Finding, error) {
	sups := checkedOnly(app.Suppressions, app.Functions)
	if len(src) > 0 {
		sups = append(sups[:len(sups):len(sups)], src...)
	}
	kept, idle := suppress.Apply(found, sups)
	for _, s := range sups {
		if len(s.Codes) == 0 {
			g.read[ignoreKey(s, 0)]++
		}
		for _, c := range s.Codes {
			g.read[ignoreKey(s, c)]++
		}
	}
	for _, u := range idle {
		k := ignoreKey(u.S, u.Code)
		if g.unused[k] == 0 {
			g.idle = append(g.idle, u)
		}
		g.unused[k]++
	}
	return kept, nil
}

// findings are the LK110 findings: one per ignore (and code) that suppressed nothing
// in any app that read it.
func (g *ignores) findings() []finding.Finding {
	var out []finding.Finding
	for _, u := range g.idle {
		k := ignoreKey(u.S, u.Code)
		if g.unused[k] < g.read[k] {
			continue
		}
		out = append(out, finding.Finding{Code: rulecode.LK110, Severity: model.Info, Function: u.S.Function, Layer: u.S.Layer, Pos: u.S.Pos,
			Message: u.Describe(),
			Hint:    "Delete the ignore (or this code from it): the problem it was written for is gone, and a stale ignore would hide the next one here."})
	}
	return out
}

// checkedOnly drops the ignores of functions that are not checked (--function named others):
// they cannot suppress anything in this run, and are not unused.
func checkedOnly(sups []model.Suppression, fns []*model.Function) []model.Suppression {
	names := map[string]bool{}
	for _, f := range fns {
		names[f.Name] = true
	}
	out := sups[:0:0]
	for _, s := range sups {
		if s.Function == "" || names[s.Function] {
			out = append(out, s)
		}
	}
	return out
}

// quietReader is an analysis that read its source files already and says which hold no
// ignore comment (no "layerkit" in their bytes): those are not read again.
type quietReader interface {
	Quiet(t tree.Tree, name string) bool
}

// sourceScan reads the ignore comments of every source file the functions of an app
// load, as the language seam reports them — the handler's module, the files holding
// the imports that run and the modules they find — from the functions' own code and
// layers (not installed distributions or packages), once per file, a batch of
// functions at a time (before their analyses are dropped). The comment syntax follows
// the file's language (suppress.ForFile).
type sourceScan struct {
	seen      map[string]bool // files read, as shown
	installed map[string]bool // files some function loads as part of an installed distribution
	sups      []model.Suppression
	// shared: the work functions share (a layer package's run) whose files an earlier
	// function visited, in this batch or one before (resolve.LoadedFilesOnce)
	shared map[any]bool
}

func newSourceScan() *sourceScan {
	return &sourceScan{seen: map[string]bool{}, installed: map[string]bool{}, shared: map[any]bool{}}
}

// suppressions are the ignore comments read, but those in a file that some function
// loads from an installed distribution.
func (s *sourceScan) suppressions() []model.Suppression {
	out := s.sups[:0:0]
	for _, sup := range s.sups {
		if !s.installed[sup.Pos.File] {
			out = append(out, sup)
		}
	}
	return out
}

// add reads the ignore comments of the files fns load that no batch before loaded. A
// malformed ignore comment is an input error at its line.
func (s *sourceScan) add(fns []*rules.Function) error {
	type file struct {
		t     tree.Tree
		name  string
		quiet bool // the analysis read it and it holds no ignore comment
	}
	type key struct {
		t    tree.Tree
		name string
	}
	// Functions over the same layers load the same layer files: dedupe them by
	// (tree, name) before naming them (Display builds a string).
	var files []file
	added, installedAt := map[key]bool{}, map[key]bool{}
	var q quietReader
	visit := func(t tree.Tree, name string, installed bool) {
		k := key{t, name}
		if t == nil || name == "" {
			return
		}
		if installed {
			installedAt[k] = true
			return
		}
		if !added[k] {
			added[k] = true
			files = append(files, file{t, name, q != nil && q.Quiet(t, name)})
		}
	}
	for _, f := range fns {
		if f.Analysis == nil {
			continue
		}
		q, _ = f.Analysis.(quietReader)
		resolve.LoadedFilesOnce(f.Analysis, s.shared, visit)
	}
	for k := range installedAt {
		s.installed[k.t.Display(k.name)] = true
	}
	for _, fl := range files {
		if fl.quiet {
			continue // read already: no ignore comment in it
		}
		shown := fl.t.Display(fl.name)
		read := suppress.ForFile(fl.name)
		if s.seen[shown] || s.installed[shown] || read == nil {
			continue
		}
		s.seen[shown] = true
		data, err := fl.t.ReadFile(fl.name)
		if err != nil || !bytes.Contains(data, []byte("layerkit")) {
			continue
		}
		sups, err := read(data, shown)
		if err != nil {
			return err
		}
		s.sups = append(s.sups, sups...)
	}
	return nil
}
