// Package rules holds the rule catalogue: each rule is one file with its metadata
// (code, severity, summary, why, example, fix) next to the logic that reports it, in
// the shape of golang.org/x/tools/go/analysis. `layerkit explain` and docs/rules/ are
// generated from the same metadata.
//
// A new rule takes a constant and its name in internal/rulecode, a file here, and
// fixtures in testdata/<CODE>/: one app where it fires and one where it does not
// (TestRuleFixtures).
package rules

import (
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// Rule is one check.
type Rule struct {
	Code     rulecode.Code  // its name (kebab-case) is Code.Name()
	Severity model.Severity // the usual severity; a rule may report others (see Severities)
	// Severities describes when the severity differs, for the docs.
	Severities string
	Summary    string // one line
	Why        string // what goes wrong on Lambda, and why
	Example    string // a minimal input that triggers it
	Fix        string // what to change
	// Fixes says which automatic fixes `layerkit check --fix` makes for this rule's
	// findings (safe) and which `--unsafe-fixes` adds, and when each is offered; "" when
	// there is none.
	Fixes string
	// Run reports findings for a batch of an app's functions (Pass.Functions, with their
	// analyses; Pass.Stream checks an app a batch at a time): what one function's
	// analysis, the app and its layers say. Rules whose findings come from the loaders
	// (bad references, unreadable content) have a nil Run.
	Run func(p *Pass)
	// Finish reports what needs every function of the app at once (one finding for all
	// the functions on a runtime, a layer judged by all its users): it runs once, after
	// Run has seen every batch, with Pass.Functions every function of the app and their
	// analyses gone (what it needs of them, Run keeps in the pass's caches).
	Finish func(p *Pass)
	// Requires are the analyses Run reads (see Analysis): the pass computes them, each
	// once for all the rules, before Run is called.
	Requires []*Analysis
}

// Name is the rule's kebab-case name ("unresolved-import").
func (r *Rule) Name() string { return r.Code.Name() }

var registry = map[rulecode.Code]*Rule{}

// register adds r to the catalogue; called from each rule file's var block.
func register(r *Rule) *Rule {
	if _, dup := registry[r.Code]; dup || !r.Code.Known() {
		panic("rules: duplicate or unnamed code " + r.Code.String())
	}
	registry[r.Code] = r
	return r
}

// All returns every rule, by code.
func All() []*Rule {
	out := make([]*Rule, 0, len(registry))
	for _, r := range registry {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// Lookup returns the rule with code.
func Lookup(code rulecode.Code) (*Rule, bool) {
	r, ok := registry[code]
	return r, ok
}

// Function is one function of the app as the rules see it.
type Function struct {
	Fn      *model.Function
	Runtime *runtimes.Runtime // nil when the runtime is unknown
	// Analysis is the import analysis behind the language seam (package resolve), for
	// every language; nil when the function was not analysed (see Skip). Rules that
	// hold for every language read it (resolved).
	Analysis resolve.Analysis
	// Result is Python's own analysis (Analysis.Detail()) for the rules and hints that
	// speak Python; nil for other languages and when not analysed (analysed).
	Result *pyresolve.Result
	Skip   string

	lang resolve.Resolver // its language's resolver (nil when Skip says why not)
	at   int              // its place in the app's functions
}

// Pass is one run of the rules over one app.
type Pass struct {
	App       *model.App
	Functions []*Function
	Today     time.Time
	// Project is the folder the app was read from (for hints about code that exists
	// only outside a function's package); nil when unknown.
	Project tree.Tree
	// Batch is how many functions Stream checks at a time (0: DefaultBatch).
	Batch int

	// all is every function of the app when Functions is a batch of them (Stream).
	all []*Function
	// again analyses a function whose analysis Stream dropped (analysedAgain).
	again     func(f *Function) *Function
	findings  []finding.Finding
	cacheOnce sync.Once
	cache     *passCache
	rule      *Rule // the rule this view of a pass runs (need)
}

// Report records a finding.
func (p *Pass) Report(code rulecode.Code, sev model.Severity, fn, layer string, pos model.Pos, msg, hint string) {
	p.ReportFix(code, sev, fn, layer, pos, msg, hint, nil)
}

// ReportFix records a finding with the fix that resolves it (nil when there is none).
func (p *Pass) ReportFix(code rulecode.Code, sev model.Severity, fn, layer string, pos model.Pos, msg, hint string, fix *model.Fix) {
	p.findings = append(p.findings, finding.Finding{Code: code, Severity: sev,
		Function: fn, Layer: layer, Pos: pos, Message: msg, Hint: hint, Fix: fix})
}

// Run runs every rule over the pass, its functions analysed (Analyze), and turns the
// loaders' notes into findings: Stream's work with the whole app as one batch.
func Run(p *Pass) []finding.Finding {
	p.notes()
	p.runBatch(p.Functions)
	p.finish()
	return p.findings
}

// notes turns the loaders' notes into findings.
func (p *Pass) notes() {
	for _, n := range p.App.Notes {
		switch {
		case n.Hint != "" || n.Code != rulecode.LK105:
		case n.Layer == "":
			// about a function's package or the service's functions, not a layer: the
			// rule's fix (download the layer) does not apply (field test: a Serverless
			// function serverless-webpack bundles)
			n.Hint = uncheckedHint(p.App, n.Message)
		case p.App.Kind == "terraform" && strings.Contains(n.Message, "which layerkit does not model"):
			n.Hint = uncheckedHint(p.App, n.Message) // a layer a build step makes, as for a function's package
		}
		if r, ok := registry[n.Code]; ok && n.Hint == "" {
			n.Hint = strings.Join(strings.Fields(r.Fix), " ")
		}
		p.findings = append(p.findings, finding.Finding{Code: n.Code, Severity: n.Severity,
			Function: n.Function, Layer: n.Layer, Pos: n.Pos, Message: n.Message, Hint: n.Hint, Fix: n.Fix})
	}
}

// runBatch runs every rule's Run over batch (analysed). The analyses the rules require
// are computed first, each once; then the rules run side by side, each on its own view
// of the pass (its own findings, the pass's caches); their findings join in rule
// order, as if run one by one.
func (p *Pass) runBatch(batch []*Function) {
	cacheOf(p)
	p.Functions = batch
	p.compute()
	p.each(batch, func(r *Rule) func(*Pass) { return r.Run })
}

// finish runs every rule's Finish over all the app's functions.
func (p *Pass) finish() {
	p.each(p.every(), func(r *Rule) func(*Pass) { return r.Finish })
}

// each runs step(r) of every rule that has it over fns, side by side.
func (p *Pass) each(fns []*Function, step func(r *Rule) func(*Pass)) {
	all := All()
	found := make([][]finding.Finding, len(all))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, r := range all {
		do := step(r)
		if do == nil {
			continue
		}
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			view := &Pass{App: p.App, Functions: fns, all: p.all, again: p.again, Today: p.Today, Project: p.Project, cache: p.cache, rule: r}
			do(view)
			found[i] = view.findings
		})
	}
	wg.Wait()
	p.findings = joined(p.findings, found)
}

// joined is fs with the lists of more after it, in order. It copies nothing when one
// list holds every finding (200,000 findings of one rule are 27 MB a copy).
func joined(fs []finding.Finding, more [][]finding.Finding) []finding.Finding {
	n, only := len(fs), -1
	for i, m := range more {
		if len(m) > 0 {
			n += len(m)
			only = i
		}
	}
	if only >= 0 && len(fs) == 0 && len(more[only]) == n {
		return more[only]
	}
	fs = slices.Grow(fs, n-len(fs))
	for _, m := range more {
		fs = append(fs, m...)
	}
	return fs
}

// resolved returns the functions that have an import analysis, in any language.
func (p *Pass) resolved() []*Function {
	p.need(Imports)
	var out []*Function
	for _, f := range p.Functions {
		if f.Analysis != nil {
			out = append(out, f)
		}
	}
	return out
}

// analysed returns the functions that have a Python import analysis.
func (p *Pass) analysed() []*Function {
	p.need(Imports)
	return p.analysedAll()
}
