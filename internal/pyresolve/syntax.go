package pyresolve

import (
	"github.com/layerkit/layerkit/internal/pysyntax"
	"github.com/layerkit/layerkit/internal/tree"
)

// SyntaxError is a module the function imports at init that its runtime's Python
// cannot compile: Lambda fails the cold start with Runtime.UserCodeSyntaxError.
type SyntaxError struct {
	Module  string // dotted name
	Tree    tree.Tree
	File    string // name in Tree
	Problem pysyntax.Problem
	// Chain is how the handler reaches the module: handler module first.
	Chain []string
}

// syntaxErrors records, for every module the handler imports at init (not only from a
// function body), whether the function's Python compiles it. Python compiles a whole
// file before it runs any of it, so one error anywhere fails the import.
func (a *analysis) syntaxErrors() {
	_, minor := a.env.Runtime.PyVersion()
	for name, m := range a.res.Modules() {
		if !scannable(m) {
			continue
		}
		if site, ok := a.res.Site(name); ok && site.Lazy {
			continue
		}
		var s *pysyntax.Summary
		if b := m.syn; b != nil {
			b.once.Do(func() { b.s = a.scanned(m.Tree, m.File).syntax })
			s = b.s
		} else {
			s = a.scanned(m.Tree, m.File).syntax
		}
		p := s.First(minor)
		if p == nil {
			continue
		}
		a.res.Syntax = append(a.res.Syntax, SyntaxError{Module: name, Tree: m.Tree, File: m.File, Problem: *p, Chain: a.res.Chain(name)})
	}
}

// syntax returns what pysyntax found in name in t (cached with the scan).
func (r *Resolver) syntax(t tree.Tree, name string) *pysyntax.Summary {
	s := r.scans.Get(fileKey{t, name}, func() *scanned {
		return r.layerScan(t, name)
	})
	return s.syntax
}
