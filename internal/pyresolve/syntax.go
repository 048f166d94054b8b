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
	check := func(name string, m *Module) {
		if !scannable(m) {
			return
		}
		if site, ok := a.res.Site(name); ok && site.Lazy {
			return
		}
		p := a.syntaxOf(m).First(minor)
		if p == nil {
			return
		}
		a.res.Syntax = append(a.res.Syntax, SyntaxError{Module: name, Tree: m.Tree, File: m.File, Problem: *p, Chain: a.res.Chain(name)})
	}
	for name, m := range a.res.imported {
		check(name, m)
	}
	for i, b := range a.res.bases {
		// of a shared run's modules, only those with a syntax problem for some
		// Python (runSummary.syntax): the rest compile for every function
		for _, name := range b.syntax {
			if !a.res.shadowed(name, i) {
				check(name, b.imported[name])
			}
		}
	}
}

// syntaxOf is what pysyntax found in m's file (nil: nothing); a shared module keeps it.
func (a *analysis) syntaxOf(m *Module) *pysyntax.Summary {
	if b := m.syn; b != nil {
		b.once.Do(func() { b.s = a.scanned(m.Tree, m.File).syntax })
		return b.s
	}
	return a.scanned(m.Tree, m.File).syntax
}
