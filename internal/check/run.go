package check

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/artifacts"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/noderesolve"
	"github.com/layerkit/layerkit/internal/pydist"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/rules"
	"github.com/layerkit/layerkit/internal/tree"
)

// Run checks what opts.Path holds. It stops with ctx.Err() when ctx is done (--timeout,
// Ctrl-C): between IaC roots, between functions and between apps; nothing it started
// is left running when it returns.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.Today.IsZero() {
		opts.Today = time.Now()
	}
	if opts.Artifacts != nil {
		root, err := filepath.Abs(".")
		if err != nil {
			return nil, err
		}
		app, err := artifacts.LoadWith(root, *opts.Artifacts, opts.Load)
		if err != nil {
			return nil, iac.WithRoot(err, root)
		}
		names := functionNames([]*model.App{app})
		res, err := checkApps(ctx, opts, root, []*model.App{app})
		if res != nil {
			res.Root, res.Names = root, names
		}
		return res, err
	}
	d, err := DetectAll(opts.Path, DetectOptions{Kind: opts.Kind, Template: opts.Template, Exclude: opts.Exclude, Source: opts.Source, Load: opts.Load})
	if err != nil {
		return nil, err
	}
	// An IaC root found below PATH that cannot be read does not stop the others: it is
	// reported (Result.Failed, exit 2) after they are checked.
	var apps []*model.App
	var loaded []Input
	var failed []*iac.InputError
	for _, in := range d.Inputs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		app, err := in.Load()
		if err != nil {
			var ie *iac.InputError
			if in.dir() == "." || !errors.As(err, &ie) {
				return nil, iac.WithRoot(err, d.Root)
			}
			c := *ie
			c.Root = d.Root
			c.Msg += fmt.Sprintf(" (this IaC root is not checked; skip it with --exclude %s)", in.dir())
			failed = append(failed, &c)
			continue
		}
		apps = append(apps, app)
		loaded = append(loaded, in)
	}
	if len(apps) == 0 && len(failed) > 0 {
		return nil, &iac.InputErrors{List: failed}
	}
	d.Inputs = loaded
	names := functionNames(apps)
	// --function names what the user sees in the template; then names that repeat
	// across IaC roots are told apart.
	filterFunctions(apps, opts.Functions)
	opts.Functions = nil
	qualify(d.Inputs, apps)
	res, err := checkApps(ctx, opts, d.Root, apps)
	if res != nil {
		res.Checked = Describe(d.Inputs)
		res.Roots = Roots(d.Inputs)
		res.Notes = d.Notes
		res.Failed = failed
		res.Root, res.Names = d.Root, names
	}
	return res, err
}

// functionNames lists the names of apps' functions, in order, each once.
func functionNames(apps []*model.App) []string {
	var names []string
	seen := map[string]bool{}
	for _, app := range apps {
		for _, f := range app.Functions {
			if !seen[f.Name] {
				seen[f.Name] = true
				names = append(names, f.Name)
			}
		}
	}
	return names
}

func checkApps(ctx context.Context, opts Options, root string, apps []*model.App) (*Result, error) {
	res := &Result{Apps: apps}
	// The folder the app was read from, for hints about code that exists only outside a
	// function's package; none when the app comes from no folder (doctor).
	var project tree.Tree
	if root != "" {
		if t, err := opts.Load.Dir(root, ""); err == nil {
			project = t
		}
	}
	py := pyresolve.New()
	ign := newIgnores()
	node := noderesolve.NewLang()
	filterFunctions(apps, opts.Functions)
	for _, app := range apps {
		declare(app)
		pass := &rules.Pass{App: app, Today: opts.Today, Project: project, Batch: opts.Batch}
		// The rules run over each batch of functions as soon as it is analysed, and the
		// analyses are dropped then (unless a caller keeps them): a check holds a batch's
		// analyses at a time, not every function's.
		src := newSourceScan()
		found, err := pass.Stream(ctx, resolvers(py, node, app), opts.KeepAnalyses, src.add)
		if err != nil {
			return nil, err
		}
		for _, f := range pass.Functions {
			res.Analyses = append(res.Analyses, &Function{Fn: f.Fn, Runtime: f.Runtime, Analysis: f.Analysis, Skip: f.Skip})
		}
		found, err = ign.apply(app, src.suppressions(), found)
		if err != nil {
			return nil, err
		}
		if len(res.Findings) == 0 {
			res.Findings = found // one app: its findings, not a copy
		} else {
			res.Findings = append(res.Findings, found...)
		}
		if err := overrun(app, project); err != nil {
			return nil, err
		}
		res.Functions += len(app.Functions)
		res.Layers += len(app.Layers)
	}
	if opts.ReportUnusedIgnores {
		res.Findings = append(res.Findings, ign.findings()...)
	}
	ignore := map[string]bool{}
	for _, c := range opts.Ignore {
		ignore[strings.ToUpper(c)] = true
	}
	out := res.Findings[:0]
	for _, f := range res.Findings {
		if !ignore[f.Code.String()] {
			out = append(out, f)
		}
	}
	res.Findings = out
	finding.Sort(res.Findings)
	return res, nil
}

// filterFunctions keeps only the functions named in names (and the notes about them or
// about no function); every function when names is empty.
func filterFunctions(apps []*model.App, names []string) {
	if len(names) == 0 {
		return
	}
	keep := map[string]bool{}
	for _, f := range names {
		keep[f] = true
	}
	for _, app := range apps {
		var fns []*model.Function
		for _, f := range app.Functions {
			if keep[f.Name] {
				fns = append(fns, f)
			}
		}
		app.Functions = fns
		var notes []model.Note
		for _, n := range app.Notes {
			if n.Function == "" || keep[n.Function] {
				notes = append(notes, n)
			}
		}
		app.Notes = notes
	}
}

// qualify tells apart functions of the same name in different IaC roots (two SAM apps
// with a HelloWorldFunction): each is named after its root's folder,
// "services/orders/HelloWorldFunction", in its findings too. apps[i] was read from
// inputs[i]. Names that appear once are left as they are.
func qualify(inputs []Input, apps []*model.App) {
	if len(apps) < 2 || len(inputs) != len(apps) {
		return
	}
	count := map[string]int{}
	for _, app := range apps {
		seen := map[string]bool{}
		for _, f := range app.Functions {
			if !seen[f.Name] {
				seen[f.Name] = true
				count[f.Name]++
			}
		}
	}
	dirs := map[string]int{}
	for _, in := range inputs {
		dirs[in.dir()]++
	}
	for i, app := range apps {
		q := inputs[i].dir()
		if dirs[q] > 1 {
			q = inputs[i].Source // two inputs in one folder (a template and serverless.yml)
		}
		renamed := map[string]string{}
		for _, f := range app.Functions {
			if count[f.Name] > 1 {
				renamed[f.Name] = q + "/" + f.Name
				f.Name = renamed[f.Name]
			}
		}
		for j, n := range app.Notes {
			if to, ok := renamed[n.Function]; ok {
				app.Notes[j].Function = to
			}
		}
		for j, sup := range app.Suppressions {
			if to, ok := renamed[sup.Function]; ok {
				app.Suppressions[j].Function = to
			}
		}
	}
}

// overrun returns the first bound a tree of app (or the project folder) hit while it
// was read (tree.ErrFanOut: a symlink fan-out), as an input error naming the folder:
// the trees stopped reading there, so the findings would not be complete.
func overrun(app *model.App, project tree.Tree) error {
	trees := []tree.Tree{}
	if project != nil {
		trees = append(trees, project)
	}
	for _, f := range app.Functions {
		if f.Code != nil {
			trees = append(trees, f.Code.Tree)
		}
	}
	for _, l := range app.Layers {
		if l.Content != nil {
			trees = append(trees, l.Content.Tree)
		}
	}
	for _, t := range trees {
		err := tree.Overrun(t)
		if err == nil {
			continue
		}
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return iac.Errorf(model.Pos{File: pe.Path}, "%v", pe.Err)
		}
		return iac.Errorf(model.Pos{}, "%v", err)
	}
	return nil
}

// resolvers are the import resolvers of a check, by language (the runtime catalogue's):
// a language without one is not analysed (LK109). py, Python's, is shared by every app
// of the check (layers are shared); node, Node.js's, is shared the same way (its layer
// overlays, file scans and package.json files).
//
// A function package only one function of the app has is scanned for that function's
// analysis alone and dropped with it (Env.OwnTask): the check's live memory does not
// hold every function's files to the end.
func resolvers(py *pyresolve.Resolver, node *noderesolve.Lang, app *model.App) resolve.Set {
	users := make(map[tree.Tree]int, len(app.Functions))
	for _, fn := range app.Functions {
		if fn.Code != nil && fn.Code.Tree != nil {
			users[fn.Code.Tree]++
		}
	}
	return resolve.NewSet(&pyresolve.Lang{R: py, Ready: func(env *pyresolve.Env) {
		env.OwnTask = env.Task != nil && users[env.Task] == 1
	}}, node)
}

// declare reads the requirements files a build step will install, for every package.
func declare(app *model.App) {
	seen := map[*model.Code]bool{}
	var codes []*model.Code
	for _, f := range app.Functions {
		if f.Code != nil {
			codes = append(codes, f.Code)
		}
	}
	for _, l := range app.Layers {
		if l.Content != nil {
			codes = append(codes, l.Content)
		}
	}
	for _, c := range codes {
		if seen[c] || (c.Requirements == "" && len(c.Installs) == 0 && len(c.Provides) == 0) || c.Declared != nil {
			continue
		}
		seen[c] = true
		visited := map[string]bool{}
		if c.Requirements != "" {
			c.Declared = readRequirements(c.Tree, c.Requirements, visited)
		}
		if len(c.Installs) > 0 {
			c.Declared = append(c.Declared, parseRequirements(c.Tree, []byte(strings.Join(c.Installs, "\n")), "", c.Tree.Display(""), visited)...)
		}
		c.Declared = append(c.Declared, c.Provides...)
	}
}

func readRequirements(t tree.Tree, name string, visited map[string]bool) []model.Declared {
	if visited[name] || len(visited) > 20 {
		return nil
	}
	visited[name] = true
	data, err := t.ReadFile(name)
	if err != nil {
		return nil
	}
	return parseRequirements(t, data, name, t.Display(name), visited)
}

// parseRequirements turns requirement lines into declarations; name is the file they
// come from in t ("" for lines from a build recipe), display how to show it.
func parseRequirements(t tree.Tree, data []byte, name, display string, visited map[string]bool) []model.Declared {
	reqs, _ := pydist.ParseRequirements(data, display)
	var out []model.Declared
	for _, rq := range reqs {
		if rq.IsInclude() {
			if !rq.Constraint {
				out = append(out, readRequirements(t, path.Join(path.Dir(name), rq.Include), visited)...)
			}
			continue
		}
		if rq.Name == "" {
			continue
		}
		imports, unknown := pydist.Closure([]string{rq.Name})
		own := pydist.ImportNames(rq.Name)
		d := model.Declared{Dist: rq.Name, Modules: own, DepsKnown: len(unknown) == 0,
			Pos: model.Pos{File: display, Line: rq.Line}}
		if name == "" {
			d.Pos.Line = 0 // a build recipe's line: no line of a file
		}
		for _, m := range imports {
			if !slices.Contains(own, m) {
				d.Deps = append(d.Deps, m)
			}
		}
		out = append(out, d)
	}
	return out
}
