package check_test

// TestDifferential: the real interpreter is the oracle.
//
// It generates random SAM apps (seeded, deterministic), runs check.Run over each, and
// imports every function's handler with the local python3 from a materialized /var/task
// and /opt, with Lambda's sys.path (testdata/differential/oracle.py). layerkit's verdict
// per function — "fails" iff it reports an error LK101, LK102, LK103, LK108 or LK301–LK304
// for the function — must equal Python's.
//
// The generator covers every resolution feature: shadowing between /var/task, the layers
// and their two prefixes; namespace packages merging across them; regular packages beside
// modules; .pth files (with import lines that fail); relative imports (also past the top);
// from m import n with names that are missing; extension modules with suffixes of another
// version, architecture or platform (dummy files: both sides must treat them as absent);
// orphan __pycache__ files; functions setting PYTHONPATH; handler shapes (a def, a lambda,
// a callable instance, a def under if/try, a re-export, module __getattr__, a deleted or
// missing name, a missing module, path-style and malformed handler strings); and the
// control flow Python runs at import time (differential_flow_test.go): try/except in every
// handler shape, if tests Lambda decides, star imports and __all__, handlers defined under
// tests, deleted or rebound, and imports against the rank order that read a module still
// initializing.
//
// A default run is 4 seeds of 10 apps of 32 functions (1,280 functions); -differential.long
// (or LAYERKIT_DIFF_LONG=1) runs enough seeds for 50,000; -short (the inner loop) one seed of
// 4 apps (128 functions) unless -differential.runs or -differential.apps say otherwise.
//
//	go test ./internal/check -run TestDifferential -v
//	go test ./internal/check -run TestDifferential -differential.seed=42 -differential.runs=20
//	go test ./internal/check -run 'TestDifferential$' -differential.long -timeout 2h -v
//	LAYERKIT_DIFF_SEED=42 go test ./internal/check -run TestDifferential
//	go test ./internal/check -run 'TestDifferential$' -differential.python=3.11,3.12,3.13
//	    (each interpreter in turn: python3.X on PATH, else pyenv's; LAYERKIT_DIFF_PYTHON too)
//	LAYERKIT_DIFF_REPRO_DIR=/tmp/repros go test ...   (keep minimized reproductions)
//
// Without python3 the test skips, except under CI=true, where it fails.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/verify"
)

const defaultDiffSeed = 20260728

// longFunctions is how many functions the -differential.long mode checks at least.
const longFunctions = 50000

var (
	diffSeedFlag   = flag.Int64("differential.seed", 0, "TestDifferential: first seed (0: $LAYERKIT_DIFF_SEED, else a fixed default)")
	diffRunsFlag   = flag.Int("differential.runs", 4, "TestDifferential: number of consecutive seeds to run")
	diffLongFlag   = flag.Bool("differential.long", false, "TestDifferential: run enough seeds for 50,000 functions (also LAYERKIT_DIFF_LONG=1)")
	diffAppsFlag   = flag.Int("differential.apps", 10, "TestDifferential: apps generated per seed")
	diffFuncsFlag  = flag.Int("differential.funcs", 32, "TestDifferential: functions per app")
	diffPythonFlag = flag.String("differential.python", "", "TestDifferential: the interpreter: a path, a command, or a version such as 3.12, or several separated by commas (3.11,3.12,3.13: one run each); also $LAYERKIT_DIFF_PYTHON; default python3. The generated runtime is the interpreter's version")
)

// flagSet reports whether the flag was given on the command line.
func flagSet(name string) bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func TestDifferential(t *testing.T) {
	spec := *diffPythonFlag
	if spec == "" {
		spec = os.Getenv("LAYERKIT_DIFF_PYTHON")
	}
	if strings.Contains(spec, ",") {
		// several interpreters: one run each
		for _, one := range strings.Split(spec, ",") {
			one = strings.TrimSpace(one)
			t.Run("python"+one, func(t *testing.T) { testDifferential(t, one) })
		}
		return
	}
	testDifferential(t, spec)
}

func testDifferential(t *testing.T, spec string) {
	py, err := diffPythonSpec(spec)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 not found (required in CI): %v", err)
		}
		t.Skipf("python3 not found: %v", err)
	}
	pyver, err := pythonVersion(py)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 unusable: %v", err)
		}
		t.Skipf("python3 unusable: %v", err)
	}
	oracle, err := filepath.Abs(filepath.Join("testdata", "differential", "oracle.py"))
	if err != nil {
		t.Fatal(err)
	}
	seed := int64(defaultDiffSeed)
	if *diffSeedFlag != 0 {
		seed = *diffSeedFlag
	} else if s := os.Getenv("LAYERKIT_DIFF_SEED"); s != "" {
		seed, err = strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("LAYERKIT_DIFF_SEED=%q: %v", s, err)
		}
	}
	d := &differ{t: t, py: py, oracle: oracle, pyver: pyver, apps: *diffAppsFlag}
	runs := *diffRunsFlag
	if testing.Short() && !flagSet("differential.runs") && !flagSet("differential.apps") {
		runs, d.apps = 1, min(d.apps, 4)
	}
	if *diffLongFlag || os.Getenv("LAYERKIT_DIFF_LONG") == "1" {
		per := max(*diffAppsFlag**diffFuncsFlag, 1)
		runs = max(runs, (longFunctions+per-1)/per)
	}
	for i := 0; i < runs; i++ {
		d.run(seed + int64(i))
	}
	t.Logf("python%s: %d seeds, %d functions, %d fail in Python (%.0f%%), %d disagreements, %d where layerkit said it cannot follow the code that decides (LK106)",
		pyver, d.seeds, d.total, d.pyFail, 100*float64(d.pyFail)/float64(max(d.total, 1)), d.disagreements, d.cannotTell)
	var cov []string
	for k, n := range d.cover {
		cov = append(cov, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(cov)
	t.Logf("covered: %s", strings.Join(cov, ", "))
}

// TestDifferentialRegressions replays the disagreements TestDifferential found, kept as
// small apps in testdata/differential/regressions/*/ (template.yaml, files, expect.txt in
// the ../shared/cases format). For each app it checks both sides: Python fails to import a
// function's handler exactly when expect.txt lists an error LK101-LK103/LK301-LK304 for it, and
// layerkit reports what expect.txt lists and no unlisted error (nothing unlisted at all
// under "strict").
func TestDifferentialRegressions(t *testing.T) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "differential", "regressions", "*", "template.yaml"))
	if len(dirs) == 0 {
		t.Skip("no regressions")
	}
	py, err := exec.LookPath("python3")
	if err != nil && os.Getenv("CI") == "true" {
		t.Fatalf("python3 not found (required in CI): %v", err)
	}
	if *diffPythonFlag != "" || os.Getenv("LAYERKIT_DIFF_PYTHON") != "" {
		if py, err = diffPython(); err != nil {
			t.Fatal(err)
		}
	}
	oracle, err := filepath.Abs(filepath.Join("testdata", "differential", "oracle.py"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range dirs {
		dir := filepath.Dir(tpl)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			src, err := os.ReadFile(tpl)
			if err != nil {
				t.Fatal(err)
			}
			a, err := parseDiffTemplate(string(src))
			if err != nil {
				t.Fatalf("%s: %v", tpl, err)
			}
			a.name, a.dir = filepath.Base(dir), dir
			ex, err := os.ReadFile(filepath.Join(dir, "expect.txt"))
			if err != nil {
				t.Fatal(err)
			}
			strict, wants, err := parseDiffExpect(string(ex))
			if err != nil {
				t.Fatalf("%s: %v", filepath.Join(dir, "expect.txt"), err)
			}

			// Python's side: the fixture must say what the interpreter does, on the
			// app's Python version when that interpreter is here. It checks the fixture,
			// not layerkit, so -short (the inner loop) leaves it to the full run.
			if py != "" && !testing.Short() {
				d := &differ{t: t, py: py, oracle: oracle}
				if v, err := pythonForVersion(a.pyver); err == nil {
					d.py = v
				}
				work := t.TempDir()
				var entries []oracleEntry
				for _, f := range a.funcs {
					e, err := materialize(a, f, filepath.Join(work, f.id), a.pyver)
					if err != nil {
						t.Fatal(err)
					}
					entries = append(entries, e)
				}
				vs, err := d.runOracle(entries, filepath.Join(work, "manifest.json"))
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range a.funcs {
					v := vs[a.name+"/"+f.id]
					wantFail := false
					for _, w := range wants {
						if (w.function == f.id || w.function == "-") && w.severity == "error" && decidingCodes[w.code] {
							wantFail = true
						}
					}
					if !v.OK != wantFail {
						t.Errorf("%s: python says ok=%v (%s: %s at %s); expect.txt says it fails=%v — fix the fixture",
							f.id, v.OK, v.Exc, firstLine(v.Msg), v.Where, wantFail)
					}
				}
			}

			// layerkit's side.
			out, err := check.Run(context.Background(), check.Options{Path: dir})
			if err != nil {
				t.Fatalf("check.Run: %v", err)
			}
			used := make([]bool, len(out.Findings))
			for _, w := range wants {
				found := false
				for i, f := range out.Findings {
					if w.matches(f) {
						found, used[i] = true, true
					}
				}
				if !found {
					t.Errorf("missing: %s %s %s:%d %s", w.code, w.function, w.file, w.line, w.severity)
				}
			}
			for i, f := range out.Findings {
				if !used[i] && (strict || f.Severity == model.Error) {
					t.Errorf("unexpected: %s %s %s %s:%d %s", f.Code, f.Severity, f.Function, f.Pos.File, f.Pos.Line, f.Message)
				}
			}
		})
	}
}

type diffWant struct {
	code, function, file string
	line                 int
	severity             string
}

func (w diffWant) matches(f finding.Finding) bool {
	return f.Code.String() == w.code &&
		(w.function == "-" || f.Function == w.function) &&
		(w.file == "*" || f.Pos.File == w.file) &&
		(w.line == 0 || f.Pos.Line == w.line) &&
		(w.severity == "*" || f.Severity.String() == w.severity)
}

// parseDiffExpect reads the ../shared/cases expect.txt format: "CODE FUNCTION FILE:LINE
// SEVERITY" lines, "strict", # comments.
func parseDiffExpect(s string) (strict bool, wants []diffWant, err error) {
	for i, raw := range strings.Split(s, "\n") {
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if line == "strict" {
			strict = true
			continue
		}
		fs := strings.Fields(line)
		if len(fs) != 4 {
			return false, nil, fmt.Errorf("line %d: want CODE FUNCTION FILE:LINE SEVERITY", i+1)
		}
		file, num, ok := strings.Cut(fs[2], ":")
		n, err := strconv.Atoi(num)
		if !ok || err != nil {
			return false, nil, fmt.Errorf("line %d: bad FILE:LINE %q", i+1, fs[2])
		}
		wants = append(wants, diffWant{code: fs[0], function: fs[1], file: file, line: n, severity: fs[3]})
	}
	return strict, wants, nil
}

// parseDiffTemplate reads the small SAM templates TestDifferential writes (and the
// regression apps keep): AWS::Serverless::LayerVersion with ContentUri, and
// AWS::Serverless::Function with CodeUri, Handler, Runtime and a Layers list of !Ref.
func parseDiffTemplate(src string) (*dApp, error) {
	a := &dApp{files: map[string]string{}}
	layerIdx := map[string]int{}
	type res struct {
		id, typ, codeURI, contentURI, handler, runtime, pypath string
		refs                                                   []string
	}
	var all []*res
	var cur *res
	for _, raw := range strings.Split(src, "\n") {
		line := strings.TrimRight(raw, " \r")
		trim := strings.TrimSpace(line)
		ind := len(line) - len(strings.TrimLeft(line, " "))
		switch {
		case trim == "" || strings.HasPrefix(trim, "#"):
		case ind == 2 && strings.HasSuffix(trim, ":"):
			cur = &res{id: strings.TrimSuffix(trim, ":")}
			all = append(all, cur)
		case cur == nil:
		case strings.HasPrefix(trim, "- !Ref "):
			cur.refs = append(cur.refs, strings.TrimPrefix(trim, "- !Ref "))
		default:
			k, v, ok := strings.Cut(trim, ":")
			if !ok {
				continue
			}
			v = strings.Trim(strings.TrimSpace(v), `'"`)
			switch k {
			case "Type":
				cur.typ = v
			case "CodeUri":
				cur.codeURI = strings.TrimSuffix(v, "/")
			case "ContentUri":
				cur.contentURI = strings.TrimSuffix(v, "/")
			case "Handler":
				cur.handler = v
			case "Runtime":
				cur.runtime = v
			case "PYTHONPATH":
				cur.pypath = v
			}
		}
	}
	for _, r := range all {
		if r.typ == "AWS::Serverless::LayerVersion" {
			layerIdx[r.id] = len(a.layers)
			a.layers = append(a.layers, dLayer{id: r.id, dir: r.contentURI})
		}
	}
	for _, r := range all {
		if r.typ != "AWS::Serverless::Function" {
			continue
		}
		if !strings.HasPrefix(r.runtime, "python") {
			return nil, fmt.Errorf("%s: runtime %q", r.id, r.runtime)
		}
		a.pyver = strings.TrimPrefix(r.runtime, "python")
		f := &dFunc{id: r.id, dir: r.codeURI, handler: r.handler, pypath: r.pypath}
		for _, ref := range r.refs {
			i, ok := layerIdx[ref]
			if !ok {
				return nil, fmt.Errorf("%s: no layer %s", r.id, ref)
			}
			f.layers = append(f.layers, i)
		}
		a.funcs = append(a.funcs, f)
	}
	if len(a.funcs) == 0 {
		return nil, fmt.Errorf("no functions")
	}
	return a, nil
}

// pythonVersion returns "3.11" for the python3 at py.
func pythonVersion(py string) (string, error) {
	out, err := exec.Command(py, "-I", "-S", "-c", `import sys;print("%d.%d" % sys.version_info[:2])`).Output()
	if err != nil {
		return "", err
	}
	v := strings.TrimSpace(string(out))
	if !strings.HasPrefix(v, "3.") {
		return "", fmt.Errorf("unexpected python version %q", v)
	}
	return v, nil
}

// ---------------------------------------------------------------------------------------
// The driver.

type differ struct {
	t      *testing.T
	py     string
	oracle string
	pyver  string
	apps   int // apps generated per seed

	seeds, total, pyFail, disagreements, reported int
	// cannotTell counts functions Python fails on where layerkit said it cannot follow
	// the code that decides (a warning after a sys.path edit it cannot evaluate, LK106).
	cannotTell int
	// cover counts generated features, to show the run exercised them.
	cover map[string]int
}

type verdict struct {
	OK     bool     `json:"ok"`
	Exc    string   `json:"exc"`
	Msg    string   `json:"msg"`
	Where  string   `json:"where"`
	Frames []string `json:"frames"`
	Loaded []string `json:"loaded"`
}

func (d *differ) run(seed int64) {
	t := d.t
	t.Helper()
	start := time.Now()
	// One folder per seed, removed when the seed is done (a run of many seeds would
	// otherwise pile up tens of thousands of files until the test ends).
	work, err := os.MkdirTemp("", "layerkit-differential-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(work)
	if x, y := newGen(seed, d.pyver).app(0, 4).dump(), newGen(seed, d.pyver).app(0, 4).dump(); x != y {
		t.Fatalf("seed %d: the generator is not deterministic", seed)
	}
	g := newGen(seed, d.pyver)
	var apps []*dApp
	for i := 0; i < d.apps; i++ {
		a := g.app(i, *diffFuncsFlag)
		dir := filepath.Join(work, fmt.Sprintf("app%02d", i))
		if err := a.write(dir); err != nil {
			t.Fatal(err)
		}
		apps = append(apps, a)
		d.count(a)
	}

	// Python: one process for every function of every app.
	var entries []oracleEntry
	for _, a := range apps {
		for _, f := range a.funcs {
			e, err := materialize(a, f, filepath.Join(work, "run", a.name, f.id), d.pyver)
			if err != nil {
				t.Fatal(err)
			}
			entries = append(entries, e)
		}
	}
	pyStart := time.Now()
	verdicts, err := d.runOracle(entries, filepath.Join(work, "manifest.json"))
	if err != nil {
		t.Fatalf("seed %d: oracle: %v", seed, err)
	}
	pyTime := time.Since(pyStart)

	// layerkit: one check.Run per app.
	var lkTime time.Duration
	for _, a := range apps {
		lkStart := time.Now()
		byFn, nfn, err := staticVerdicts(a.dir)
		lkTime += time.Since(lkStart)
		if err != nil {
			t.Errorf("seed %d: check.Run(%s): %v", seed, a.dir, err)
			continue
		}
		if nfn != len(a.funcs) {
			t.Errorf("seed %d: check.Run(%s) checked %d functions, the template has %d", seed, a.dir, nfn, len(a.funcs))
		}
		for _, f := range a.funcs {
			v, ok := verdicts[a.name+"/"+f.id]
			if !ok {
				t.Fatalf("seed %d: no oracle verdict for %s/%s", seed, a.name, f.id)
			}
			d.total++
			if !v.OK {
				d.pyFail++
			}
			errs := byFn.errs[f.id]
			if v.OK == (len(errs) == 0) {
				continue
			}
			if len(errs) == 0 && cannotTell(v, byFn.all[f.id]) {
				d.cannotTell++ // layerkit said it cannot follow what decides it (LK106)
				continue
			}
			d.disagreements++
			d.report(seed, a, f, v, errs, byFn.all[f.id])
		}
	}
	d.seeds++
	t.Logf("seed %d: %d apps, %d functions, python %v, layerkit %v, total %v",
		seed, len(apps), len(entries), pyTime.Round(time.Millisecond), lkTime.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// decidingCodes are the errors that mean "the handler will not import".
var decidingCodes = map[string]bool{"LK101": true, "LK102": true, "LK103": true,
	"LK108": true, "LK301": true, "LK302": true, "LK303": true, "LK304": true}

// count records which generated features app a has.
func (d *differ) count(a *dApp) {
	if d.cover == nil {
		d.cover = map[string]int{}
	}
	for _, f := range a.funcs {
		if f.pypath != "" {
			d.cover["PYTHONPATH functions"]++
		}
		if !strings.Contains(f.handler, ".") {
			d.cover["malformed handlers"]++
		}
	}
	for p, c := range a.files {
		switch {
		case strings.HasSuffix(p, ".pth"):
			d.cover[".pth files"]++
		case strings.HasSuffix(p, ".so") || strings.HasSuffix(p, ".pyd"):
			d.cover["foreign extension files"]++
		case strings.HasSuffix(p, ".pyc"):
			d.cover["orphan .pyc files"]++
		case strings.HasSuffix(p, "__init__.py"):
			d.cover["regular packages"]++
		}
		switch {
		case strings.Contains(c, "from .. import"):
			d.cover["files with from .. import"]++
		case strings.Contains(c, "from . import"):
			d.cover["files with from . import"]++
		}
		countInit(d.cover, c)
		for _, shape := range []string{"lambda event", "class _Handler", "if True:\n    def handler", "try:\n    def handler", "def __getattr__"} {
			if strings.Contains(c, shape) {
				d.cover["handler shape "+strings.Fields(shape)[0]+" "+strings.Fields(shape)[1]]++
			}
		}
		d.flowCount(c)
	}
}

// staticResult is layerkit's side for one app, per function name.
type staticResult struct {
	errs map[string][]finding.Finding // the decidingCodes errors: the verdict
	all  map[string][]finding.Finding // every finding, for the report
}

// staticVerdicts runs check.Run over dir; it also returns the number of functions checked.
func staticVerdicts(dir string) (res staticResult, nfn int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	out, err := check.Run(context.Background(), check.Options{Path: dir})
	if err != nil {
		return res, 0, err
	}
	res = staticResult{errs: map[string][]finding.Finding{}, all: map[string][]finding.Finding{}}
	for _, f := range out.Findings {
		res.all[f.Function] = append(res.all[f.Function], f)
		if f.Severity == model.Error && decidingCodes[f.Code.String()] {
			res.errs[f.Function] = append(res.errs[f.Function], f)
		}
	}
	return res, out.Functions, nil
}

type oracleEntry struct {
	ID      string `json:"id"`
	Task    string `json:"task"`
	Opt     string `json:"opt"`
	Pyver   string `json:"pyver"`
	Handler string `json:"handler"`
	// PythonPath is nil when the function sets no PYTHONPATH, else its entries mapped
	// onto Task and Opt (entries elsewhere are dropped: nothing of the app is there).
	PythonPath []string `json:"pythonpath"`
}

// materialize lays out /var/task (a copy of the function's folder) and /opt (each layer's
// folder copied over the previous ones, in the function's order) under dir.
func materialize(a *dApp, f *dFunc, dir, pyver string) (oracleEntry, error) {
	task := filepath.Join(dir, "task")
	opt := filepath.Join(dir, "opt")
	for _, p := range []string{task, opt} {
		if err := os.MkdirAll(p, 0o755); err != nil {
			return oracleEntry{}, err
		}
	}
	if err := copyTree(filepath.Join(a.dir, filepath.FromSlash(f.dir)), task); err != nil {
		return oracleEntry{}, err
	}
	for _, li := range f.layers {
		if err := copyTree(filepath.Join(a.dir, filepath.FromSlash(a.layers[li].dir)), opt); err != nil {
			return oracleEntry{}, err
		}
	}
	e := oracleEntry{ID: a.name + "/" + f.id, Task: task, Opt: opt, Pyver: pyver, Handler: f.handler}
	if f.pypath != "" {
		e.PythonPath = []string{}
		for _, p := range strings.Split(strings.ReplaceAll(f.pypath, "$LAMBDA_TASK_ROOT", "/var/task"), ":") {
			p = path.Clean(p)
			switch {
			case p == "/var/task" || strings.HasPrefix(p, "/var/task/"):
				e.PythonPath = append(e.PythonPath, filepath.Join(task, filepath.FromSlash(strings.TrimPrefix(p, "/var/task"))))
			case p == "/opt" || strings.HasPrefix(p, "/opt/"):
				e.PythonPath = append(e.PythonPath, filepath.Join(opt, filepath.FromSlash(strings.TrimPrefix(p, "/opt"))))
			}
		}
	}
	return e, nil
}

func copyTree(src, dst string) error {
	return filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if info.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		// A later layer's file replaces an earlier one's; a hard link is much cheaper than
		// a copy (the oracle only reads).
		if err := os.Remove(target); err != nil && !os.IsNotExist(err) {
			return err
		}
		if os.Link(p, target) == nil {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
}

func (d *differ) runOracle(entries []oracleEntry, manifest string) (map[string]verdict, error) {
	b, err := json.Marshal(entries)
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(manifest, b, 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(d.py, "-I", "-S", "-B", d.oracle, manifest)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%v\n%s", err, stderr.String())
	}
	res := map[string]verdict{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var v struct {
			ID string `json:"id"`
			verdict
		}
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			return nil, fmt.Errorf("oracle output %q: %v", sc.Text(), err)
		}
		res[v.ID] = v.verdict
	}
	if len(res) != len(entries) {
		return nil, fmt.Errorf("oracle returned %d verdicts for %d functions\n%s", len(res), len(entries), stderr.String())
	}
	return res, nil
}

// ---------------------------------------------------------------------------------------
// Reporting a disagreement.

func (d *differ) report(seed int64, a *dApp, f *dFunc, v verdict, errs, all []finding.Finding) {
	t := d.t
	t.Helper()
	d.reported++
	if d.reported > maxDetailed {
		// Enough detail for one run: one line each from here on.
		var codes []string
		for _, x := range all {
			codes = append(codes, fmt.Sprintf("%s %s %s:%d", x.Code, x.Severity, x.Pos.File, x.Pos.Line))
		}
		py := "ok"
		if !v.OK {
			py = v.Exc + ": " + firstLine(v.Msg) + " at " + v.Where
		}
		t.Errorf("DISAGREEMENT seed=%d app=%s function=%s: python %s; layerkit %v", seed, a.name, f.id, py, codes)
		return
	}
	var b strings.Builder
	fmt.Fprintf(&b, "DISAGREEMENT seed=%d app=%s function=%s handler=%s runtime=python%s layers=%s\n",
		seed, a.name, f.id, f.handler, d.pyver, a.layerList(f))
	if v.OK {
		b.WriteString("  python:   imports fine\n")
	} else {
		fmt.Fprintf(&b, "  python:   %s: %s\n", v.Exc, v.Msg)
		if v.Where != "" {
			fmt.Fprintf(&b, "            at %s\n", v.Where)
		}
	}
	if len(v.Loaded) > 0 {
		fmt.Fprintf(&b, "  python executed: %s\n", strings.Join(v.Loaded, ", "))
	}
	if len(errs) == 0 {
		b.WriteString("  layerkit: no LK101/LK102/LK103/LK301-LK304 error\n")
	} else {
		b.WriteString("  layerkit: fails\n")
	}
	for _, x := range all {
		fmt.Fprintf(&b, "    %s %s %s:%d %s\n", x.Code, x.Severity, x.Pos.File, x.Pos.Line, x.Message)
	}
	repro := a.repro(f)
	b.WriteString("  files (function folder, then its layers in order; /opt is them merged):\n")
	b.WriteString(indent(repro.dump(), "    "))
	small := d.minimize(repro, !v.OK, v.Exc)
	dir, err := d.reproDir(fmt.Sprintf("seed%d-%s-%s", seed, a.name, f.id))
	if err == nil {
		err = small.write(dir)
	}
	if err != nil {
		fmt.Fprintf(&b, "  (writing the reproduction failed: %v)\n", err)
	} else {
		fmt.Fprintf(&b, "  minimized reproduction (layerkit check %s):\n", dir)
		b.WriteString(indent(small.dump(), "    "))
	}
	fmt.Fprintf(&b, "  rerun: go test ./internal/check -run TestDifferential -differential.seed=%d\n", seed)
	t.Error(b.String())
}

// maxDetailed is how many disagreements a test run minimizes and prints in full.
const maxDetailed = 3

func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

func (d *differ) reproDir(name string) (string, error) {
	if root := os.Getenv("LAYERKIT_DIFF_REPRO_DIR"); root != "" {
		dir := filepath.Join(root, name)
		if err := os.RemoveAll(dir); err != nil {
			return "", err
		}
		return dir, os.MkdirAll(dir, 0o755)
	}
	return filepath.Join(d.t.TempDir(), name), nil
}

func indent(s, pre string) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(s, "\n") {
		if l != "" {
			b.WriteString(pre + l)
		}
	}
	if !strings.HasSuffix(s, "\n") && s != "" {
		b.WriteString("\n")
	}
	return b.String()
}

// minimize shrinks a one-function app while Python and layerkit keep disagreeing the same
// way (pyFails is Python's verdict, exc the exception class it failed with): drop layers,
// files, then lines of the Python files, for at most 30 seconds. The class must stay the
// same, or dropping a line such as `import sys` turns the disagreement into another one
// (a NameError) than the one found.
func (d *differ) minimize(a *dApp, pyFails bool, exc string) *dApp {
	deadline := time.Now().Add(30 * time.Second)
	f := a.funcs[0]
	still := func(c *dApp) bool {
		if time.Now().After(deadline) {
			return false
		}
		dir, err := os.MkdirTemp("", "lkdiff-min-")
		if err != nil {
			return false
		}
		defer os.RemoveAll(dir)
		app := filepath.Join(dir, "app")
		if err := c.write(app); err != nil {
			return false
		}
		e, err := materialize(c, c.funcs[0], filepath.Join(dir, "run"), d.pyver)
		if err != nil {
			return false
		}
		vs, err := d.runOracle([]oracleEntry{e}, filepath.Join(dir, "manifest.json"))
		if err != nil {
			return false
		}
		v := vs[e.ID]
		res, _, err := staticVerdicts(app)
		if err != nil {
			return false
		}
		return !v.OK == pyFails && v.Exc == exc && (len(res.errs[f.id]) > 0) == !pyFails
	}
	cur := a.clone()
	// Drop layers, then files, then lines (a top-level statement with its indented body),
	// until nothing more can go.
	for changed := true; changed; {
		changed = false
		for i := len(cur.layers) - 1; i >= 0; i-- {
			c := cur.clone()
			dir := c.layers[i].dir + "/"
			c.layers = append(c.layers[:i], c.layers[i+1:]...)
			var refs []int
			for j := range c.layers {
				refs = append(refs, j)
			}
			c.funcs[0].layers = refs
			for p := range c.files {
				if strings.HasPrefix(p, dir) {
					delete(c.files, p)
				}
			}
			if still(c) {
				cur, changed = c, true
			}
		}
		// Whole folders first (a package at a time), then single files.
		dirs := map[string]bool{}
		for _, p := range cur.paths() {
			for d := path.Dir(p); strings.Count(d, "/") > 1; d = path.Dir(d) {
				dirs[d+"/"] = true
			}
		}
		var units [][]string
		for d := range dirs {
			var ps []string
			for _, p := range cur.paths() {
				if strings.HasPrefix(p, d) {
					ps = append(ps, p)
				}
			}
			units = append(units, ps)
		}
		sort.Slice(units, func(i, j int) bool {
			if len(units[i]) != len(units[j]) {
				return len(units[i]) > len(units[j])
			}
			return units[i][0] < units[j][0]
		})
		for _, p := range cur.paths() {
			units = append(units, []string{p})
		}
		for _, u := range units {
			c := cur.clone()
			n := len(c.files)
			for _, p := range u {
				delete(c.files, p)
			}
			if len(c.files) < n && c.layersNonEmpty() && still(c) {
				cur, changed = c, true
			}
		}
		for _, p := range cur.paths() {
			if !strings.HasSuffix(p, ".py") {
				continue
			}
			lines := strings.Split(strings.TrimRight(cur.files[p], "\n"), "\n")
			for i := 0; i < len(lines); {
				if lines[i] == "" || strings.HasPrefix(lines[i], " ") {
					i++
					continue
				}
				n := i + 1
				for n < len(lines) && (strings.HasPrefix(lines[n], " ") || continues(lines[n])) {
					n++
				}
				rest := append(append([]string{}, lines[:i]...), lines[n:]...)
				c := cur.clone()
				c.files[p] = strings.Join(rest, "\n") + "\n"
				if len(rest) == 0 {
					c.files[p] = ""
				}
				if still(c) {
					cur, changed, lines = c, true, rest
					continue
				}
				i = n
			}
		}
	}
	return cur
}

// continues reports whether line goes on the compound statement before it (an except,
// else, elif or finally clause), so the minimizer drops them together.
func continues(line string) bool {
	for _, kw := range []string{"except", "else:", "elif ", "finally:"} {
		if strings.HasPrefix(line, kw) {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------------------------------
// The generated app.

type dLayer struct {
	id  string // logical id
	dir string // app-relative folder, "layers/l0"
}

type dFunc struct {
	id      string
	dir     string // app-relative folder, "functions/fn0"
	handler string
	layers  []int  // indexes into dApp.layers, in the function's order
	pypath  string // the PYTHONPATH variable; "" when unset
}

type dApp struct {
	name   string
	dir    string // where write put it
	pyver  string
	files  map[string]string // app-relative path -> content (template.yaml included on write)
	layers []dLayer
	funcs  []*dFunc
}

func (a *dApp) clone() *dApp {
	c := *a
	c.files = make(map[string]string, len(a.files))
	for k, v := range a.files {
		c.files[k] = v
	}
	c.funcs = nil
	for _, f := range a.funcs {
		g := *f
		g.layers = append([]int(nil), f.layers...)
		c.funcs = append(c.funcs, &g)
	}
	c.layers = append([]dLayer(nil), a.layers...)
	return &c
}

func (a *dApp) paths() []string {
	var ps []string
	for p := range a.files {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

func (a *dApp) layersNonEmpty() bool {
	for _, l := range a.layers {
		if !a.hasFilesUnder(l.dir) {
			return false
		}
	}
	return true
}

func (a *dApp) hasFilesUnder(dir string) bool {
	for p := range a.files {
		if strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}

func (a *dApp) layerList(f *dFunc) string {
	var ids []string
	for _, i := range f.layers {
		ids = append(ids, a.layers[i].id)
	}
	return "[" + strings.Join(ids, ", ") + "]"
}

func (a *dApp) template() string {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n")
	for _, l := range a.layers {
		fmt.Fprintf(&b, "  %s:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n      LayerName: %s\n      ContentUri: %s/\n      CompatibleRuntimes:\n        - python%s\n",
			l.id, strings.ToLower(l.id), l.dir, a.pyver)
	}
	for _, f := range a.funcs {
		fmt.Fprintf(&b, "  %s:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: %s/\n      Handler: %s\n      Runtime: python%s\n",
			f.id, f.dir, f.handler, a.pyver)
		if len(f.layers) > 0 {
			b.WriteString("      Layers:\n")
			for _, i := range f.layers {
				fmt.Fprintf(&b, "        - !Ref %s\n", a.layers[i].id)
			}
		}
		if runtime.GOARCH == "arm64" { // the oracle runs the local interpreter
			b.WriteString("      Architectures:\n        - arm64\n")
		}
		if f.pypath != "" {
			fmt.Fprintf(&b, "      Environment:\n        Variables:\n          PYTHONPATH: '%s'\n", f.pypath)
		}
	}
	return b.String()
}

func (a *dApp) write(dir string) error {
	a.dir = dir
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	// Folders must exist even when empty (a function whose handler module is missing).
	for _, f := range a.funcs {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(f.dir)), 0o755); err != nil {
			return err
		}
	}
	for _, l := range a.layers {
		if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(l.dir)), 0o755); err != nil {
			return err
		}
	}
	for p, c := range a.files {
		fp := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(fp), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(fp, []byte(c), 0o644); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(dir, "template.yaml"), []byte(a.template()), 0o644)
}

// repro returns the app reduced to function f and its layers.
func (a *dApp) repro(f *dFunc) *dApp {
	c := &dApp{name: a.name, pyver: a.pyver, files: map[string]string{}}
	keep := []string{f.dir + "/"}
	nf := &dFunc{id: f.id, dir: f.dir, handler: f.handler, pypath: f.pypath}
	for _, i := range f.layers {
		nf.layers = append(nf.layers, len(c.layers))
		c.layers = append(c.layers, a.layers[i])
		keep = append(keep, a.layers[i].dir+"/")
	}
	c.funcs = []*dFunc{nf}
	for p, s := range a.files {
		for _, k := range keep {
			if strings.HasPrefix(p, k) {
				c.files[p] = s
			}
		}
	}
	return c
}

// dump prints the template and every file with its content.
func (a *dApp) dump() string {
	var b strings.Builder
	b.WriteString("--- template.yaml\n" + a.template())
	for _, p := range a.paths() {
		b.WriteString("--- " + p + "\n" + a.files[p])
		if a.files[p] != "" && !strings.HasSuffix(a.files[p], "\n") {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// ---------------------------------------------------------------------------------------
// The generator.
//
// Module names come from small vocabularies that no standard library or real distribution
// uses: top-level lk_a..lk_f (plus lk_svc and lk_app for handlers), submodules m0..m3,
// defined names f, g, X, Y, aliases al0, al1. Collisions are the point: the same top-level
// name shows up in the function and in several layers, at different prefixes, as a module,
// a regular package or a namespace package.
//
// Import cycles are avoided by construction, except where the cycle feature makes one on
// purpose (flowImport: a module reading lkEarly/lkLate of a module of lower rank, which
// every file of that module binds first and last): every module name gets a rank (parents before children, handler modules
// first), and a module imports only names whose not-yet-loaded chain (the name and its
// parents) ranks above it. Names are imported only from modules that are not its own
// parents (which may be half-initialized while it runs).

var (
	topNames   = []string{"lk_a", "lk_b", "lk_c", "lk_d", "lk_e", "lk_f"}
	subNames   = []string{"m0", "m1", "m2", "m3"}
	defNames   = []string{"f", "g", "X", "Y"}
	aliasNames = []string{"al0", "al1"}
)

const (
	missingTop = "lk_zz" // never generated
	missingSub = "m9"    // never generated
)

type gen struct {
	r     *rand.Rand
	pyver string
	wrong string // a Python version whose site-packages is off the path
}

func newGen(seed int64, pyver string) *gen {
	wrong := "3.9"
	if pyver == wrong {
		wrong = "3.10"
	}
	return &gen{r: rand.New(rand.NewSource(seed)), pyver: pyver, wrong: wrong}
}

func (g *gen) p(x float64) bool { return g.r.Float64() < x }

func (g *gen) pick(xs []string) string { return xs[g.r.Intn(len(xs))] }

// weighted returns an index chosen with the given weights.
func (g *gen) weighted(ws ...float64) int {
	sum := 0.0
	for _, w := range ws {
		sum += w
	}
	x := g.r.Float64() * sum
	for i, w := range ws {
		if x < w {
			return i
		}
		x -= w
	}
	return len(ws) - 1
}

// modFile is one generated Python file.
type modFile struct {
	owner   string // the function's or layer's folder
	onPath  bool   // under a prefix Python searches
	path    string // app-relative
	mod     string // dotted module name it defines when its root is on sys.path
	isPkg   bool   // an __init__.py
	handler int    // for a handler module: 0 not one, 1 define handler, 2 leave it out, 3 bind by import, ...
	// ghost: not a module file but a file Python does not import (an extension module for
	// another version, architecture or platform; an orphan __pycache__ file). It makes
	// its name importable in the generated code, where it must fail on both sides.
	ghost bool
	binds map[string]bool
	body  []string
	// pathEdit is a sys.path edit the handler module makes (differential_init_test.go).
	pathEdit []string
}

type appGen struct {
	*gen
	owner    string                     // folder of the function or layer being generated
	onPath   bool                       // whether the root being generated is on the search path
	uses     map[string][]string        // function folder -> its layers' folders
	avail    map[string]map[string]bool // owner -> module names it can likely see
	files    []*modFile
	universe map[string]bool
	rank     map[string]int
	defs     map[string][]string        // module -> names defined by def/assignment in some file
	ibinds   map[string][]string        // module -> names bound by an import in some file
	canon    map[string]map[string]bool // module -> the names its files usually define
	shape    map[string]int             // top-level name -> its usual shape
	raw      map[string]string          // files that are not modules (.pth)
	boots    map[string]int             // module -> 1: some file defines boot(), 2: some file does not, 4: some file has a module __getattr__ (differential_init_test.go)

	// control-flow features (differential_flow_test.go)
	backTargets map[string]bool // modules some module imports against the rank order
	handlerMods map[string]bool // handler modules
	hasHandler  map[string]bool // modules some file of which binds handler
	nsPkgs      map[string]bool // modules that are a namespace package somewhere
	ghostMods   map[string]bool // modules that are only a foreign compiled file somewhere
}

// root generates 1..n top-level names under base+prefix, avoiding the names in skip.
func (ag *appGen) root(base, prefix string, n int, skip map[string]bool) {
	// Sometimes a .pth file in the folder adds a subfolder to the end of sys.path
	// (site.addsitedir on /var/task, /opt/python and its site-packages; nowhere else).
	if !strings.Contains(prefix, "vendor/") && !strings.HasPrefix(prefix, editDir) && ag.p(0.07) {
		// site stops reading a .pth at an "import" line that raises ("Remainder of file
		// ignored"), so in the fourth, vendor/ is not added.
		lines := []string{"vendor", "# vendored code\nvendor", "vendor\nno_such_dir", "import lk_zz\nvendor", "vendor\nimport lk_zz"}
		ag.raw[base+"/"+prefix+"lk_vendor.pth"] = ag.pick(lines) + "\n"
		ag.root(base, prefix+"vendor/", 1+ag.r.Intn(2), nil)
	}
	names := append([]string(nil), topNames...)
	ag.r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
	k := 0
	for _, name := range names {
		if k == n {
			break
		}
		if skip[name] {
			continue
		}
		k++
		ag.top(base+"/"+prefix, name)
	}
}

// top generates top-level name in folder dir (ending in "/"): a module, a regular package,
// a namespace package, a module beside a namespace folder, or a module beside a regular
// package.
func (ag *appGen) top(dir, name string) {
	shape, ok := ag.shape[name]
	if !ok || ag.p(0.1) { // a name usually has the same shape across the app
		shape = ag.weighted(3, 3, 2.5, 0.7, 0.4)
	}
	if !ok {
		ag.shape[name] = shape
	}
	if ag.p(0.02) {
		// The file is there, but in another case: Python on Linux does not find it.
		ag.add(dir+strings.ToUpper(name[:1])+name[1:]+".py", name, false)
		return
	}
	if ag.foreign(dir, name, name) {
		return
	}
	switch shape {
	case 0:
		ag.add(dir+name+".py", name, false)
	case 1:
		ag.pkg(dir, name, name, true, 0)
	case 2:
		ag.pkg(dir, name, name, false, 0)
	case 3:
		ag.add(dir+name+".py", name, false)
		ag.pkg(dir, name, name, false, 0)
	case 4:
		ag.add(dir+name+".py", name, false)
		ag.pkg(dir, name, name, true, 0)
	}
}

// pkg generates package mod (regular or namespace) in folder dir+name with 1..3 submodules.
func (ag *appGen) pkg(dir, name, mod string, regular bool, depth int) {
	pdir := dir + name + "/"
	if regular {
		ag.add(pdir+"__init__.py", mod, true)
	} else {
		ag.nsPkgs[mod] = true
	}
	subs := append([]string(nil), subNames...)
	ag.r.Shuffle(len(subs), func(i, j int) { subs[i], subs[j] = subs[j], subs[i] })
	n := 1 + ag.r.Intn(3)
	for _, s := range subs[:n] {
		switch {
		case depth < 1 && ag.p(0.2):
			ag.pkg(pdir, s, mod+"."+s, ag.p(0.5), depth+1)
		default:
			if !ag.foreign(pdir, s, mod+"."+s) {
				ag.add(pdir+s+".py", mod+"."+s, false)
			}
		}
	}
}

// foreign sometimes puts, in folder dir, a file for module mod (named name) that Python
// does not import: an extension module built for another Python version, architecture,
// platform or implementation (a dummy, not ELF: neither side may load it), or an orphan
// __pycache__/name.cpython-3XY.pyc. It returns true when that file is all there is (a
// ghost: imports of mod fail), false when the caller goes on to write the module too.
func (ag *appGen) foreign(dir, name, mod string) bool {
	if !ag.p(0.06) {
		return false
	}
	nodot := strings.ReplaceAll(ag.pyver, ".", "")
	wrong := strings.ReplaceAll(ag.wrong, ".", "")
	local, other := "x86_64", "aarch64"
	if runtime.GOARCH == "arm64" {
		local, other = other, local
	}
	var p string
	switch ag.weighted(2, 2, 1, 1, 1, 1, 1, 1.5) {
	case 0:
		p = dir + name + ".cpython-" + wrong + "-" + local + "-linux-gnu.so"
	case 1:
		p = dir + name + ".cpython-" + nodot + "-" + other + "-linux-gnu.so"
	case 2:
		p = dir + name + ".cpython-" + nodot + "-darwin.so"
	case 3:
		p = dir + name + ".cpython-" + nodot + "-" + local + "-linux-musl.so"
	case 4:
		p = dir + name + ".cpython-" + nodot + "t-" + local + "-linux-gnu.so"
	case 5:
		p = dir + name + ".cp" + nodot + "-win_amd64.pyd"
	case 6:
		p = dir + name + ".pypy" + nodot + "-pp73-" + local + "-linux-gnu.so"
	default:
		p = dir + "__pycache__/" + name + ".cpython-" + nodot + ".pyc"
	}
	ag.raw[p] = "not a real compiled module\n"
	if ag.p(0.5) {
		return false
	}
	f := ag.add(p, mod, false)
	f.ghost = true
	ag.ghostMods[mod] = true
	return true
}

func (ag *appGen) add(p, mod string, isPkg bool) *modFile {
	for _, f := range ag.files {
		if f.path == p {
			return f
		}
	}
	f := &modFile{owner: ag.owner, onPath: ag.onPath, path: p, mod: mod, isPkg: isPkg, binds: map[string]bool{}}
	ag.files = append(ag.files, f)
	return f
}

func (g *gen) app(idx, nfuncs int) *dApp {
	ag := &appGen{gen: g, uses: map[string][]string{}, shape: map[string]int{}, raw: map[string]string{},
		backTargets: map[string]bool{}, handlerMods: map[string]bool{}, hasHandler: map[string]bool{},
		nsPkgs: map[string]bool{}, ghostMods: map[string]bool{}, boots: map[string]int{}}
	a := &dApp{name: fmt.Sprintf("app%02d", idx), pyver: g.pyver, files: map[string]string{}}

	// Layers: code at the right prefixes, and sometimes at prefixes no Python looks at.
	nl := 4 + g.r.Intn(3)
	for i := 0; i < nl; i++ {
		l := dLayer{id: fmt.Sprintf("Layer%d", i), dir: fmt.Sprintf("layers/l%d", i)}
		a.layers = append(a.layers, l)
		prefixes := []struct {
			prefix string
			p      float64
			onPath bool
		}{
			{"python/", 0.7, true},
			{"python/lib/python" + g.pyver + "/site-packages/", 0.45, true},
			{"", 0.1, false},
			{"python/lib/python" + g.wrong + "/site-packages/", 0.1, false},
			{"python/python/", 0.04, false},
		}
		ag.owner = l.dir
		any := false
		for _, pr := range prefixes {
			if g.p(pr.p) {
				any = true
				ag.onPath = pr.onPath
				ag.root(l.dir, pr.prefix, 1+g.r.Intn(2), nil)
			}
		}
		if !any {
			ag.onPath = true
			ag.root(l.dir, "python/", 1+g.r.Intn(2), nil)
		}
	}

	// Functions: a handler module (sometimes missing) and a few more top-level names.
	for i := 0; i < nfuncs; i++ {
		f := &dFunc{id: fmt.Sprintf("Fn%d", i), dir: fmt.Sprintf("functions/fn%d", i)}
		a.funcs = append(a.funcs, f)
		// Layers: 0..4 distinct, random order.
		perm := g.r.Perm(len(a.layers))
		nref := g.weighted(1, 2, 3, 2, 1)
		f.layers = perm[:nref]
		ag.uses[f.dir] = []string{}
		for _, li := range f.layers {
			ag.uses[f.dir] = append(ag.uses[f.dir], a.layers[li].dir)
		}
		base := f.dir + "/"
		ag.owner, ag.onPath = f.dir, true
		skip := map[string]bool{}
		var hmod string
		inLayer := false
		switch g.weighted(45, 40, 8, 7) {
		case 0: // top-level module
			hmod = "lk_app"
		case 1, 2: // in a package: lk_svc or a name layers use too
			pkg := "lk_svc"
			if g.p(0.15) {
				pkg = g.pick(topNames)
			}
			skip[pkg] = true
			regular := g.p(0.6)
			if g.p(0.5) {
				ag.pkg(base, pkg, pkg, regular, 1)
			} else if regular {
				ag.add(base+pkg+"/__init__.py", pkg, true)
			}
			hmod = pkg + ".app"
			if g.weighted(8, 2) == 1 { // deeper
				sub := g.pick(subNames)
				if g.p(0.6) {
					ag.add(base+pkg+"/"+sub+"/__init__.py", pkg+"."+sub, true)
				}
				hmod = pkg + "." + sub + ".app"
			}
		case 3: // handler module provided only by a layer
			hmod = "lk_app"
			l := a.layers[g.r.Intn(len(a.layers))]
			if len(f.layers) > 0 && g.p(0.7) {
				l = a.layers[f.layers[g.r.Intn(len(f.layers))]]
			}
			ag.owner, ag.onPath = l.dir, true
			if g.p(0.5) {
				hmod = "lk_svc.app" // beside the function's own lk_svc, if any
			}
			hf := ag.add(l.dir+"/python/"+strings.ReplaceAll(hmod, ".", "/")+".py", hmod, false)
			hf.handler = 1
			inLayer = true
		}
		f.handler = hmod + ".handler"
		if strings.Contains(hmod, ".") && g.p(0.2) {
			f.handler = strings.ReplaceAll(hmod, ".", "/") + ".handler"
		}
		switch g.weighted(97, 1, 1, 1) {
		case 1: // malformed: no module part
			f.handler = "handler"
		case 2: // a module that is not there below the handler module
			f.handler = hmod + "." + missingSub + ".handler"
		case 3: // the handler's name is a submodule-like path: module hmod.handler
			f.handler = hmod + ".handler.handler"
		}
		ag.owner, ag.onPath = f.dir, true
		if !inLayer && !g.p(0.06) { // else: the handler module is missing
			hf := ag.add(base+strings.ReplaceAll(hmod, ".", "/")+".py", hmod, false)
			// 1 def, 2 left out, 3 bound by an import, 4 a lambda, 5 a callable instance,
			// 6 a def under if, 7 a def under try, 8 module __getattr__; 9-14 the
			// control-flow shapes (flowHandler): a def under a test Lambda decides,
			// deleted, rebound to None, bound by a star import, after an import in a
			// try body, a del that does not run.
			hf.handler = 1 + g.weighted(80, 7, 5, 2, 2, 2, 2, 1.5, 4, 2, 2, 3, 2, 1.5)
			ag.maybePathEdit(f, hf, hmod)
		}
		ag.root(f.dir, "", g.r.Intn(3), skip)
		if g.p(0.1) {
			// PYTHONPATH: Lambda adds no /opt folder and reads no .pth file there; the
			// entries go after /var/task.
			f.pypath = g.pick([]string{
				"/var/task/vendor",
				"$LAMBDA_TASK_ROOT/vendor",
				"/opt/python",
				"/var/task/vendor:/opt/python/lib/python" + g.pyver + "/site-packages",
				"/opt/python:/var/task/vendor",
				"/opt/nothing_here",
			})
			ag.owner, ag.onPath = f.dir, strings.Contains(f.pypath, "vendor")
			ag.root(f.dir, "vendor/", 1+g.r.Intn(2), nil)
		}
	}

	ag.contents()
	for _, f := range ag.files {
		if !f.ghost {
			a.files[f.path] = strings.Join(f.body, "\n") + "\n"
		}
	}
	for p, c := range ag.raw {
		a.files[p] = c
	}
	return a
}

func parentOf(m string) string {
	if i := strings.LastIndexByte(m, '.'); i >= 0 {
		return m[:i]
	}
	return ""
}

func lastOf(m string) string { return m[strings.LastIndexByte(m, '.')+1:] }

// chain returns m and its parents.
func chain(m string) []string {
	var out []string
	for ; m != ""; m = parentOf(m) {
		out = append(out, m)
	}
	return out
}

// contents ranks the module names and writes every file's body.
func (ag *appGen) contents() {
	ag.universe = map[string]bool{}
	handlers := map[string]bool{}
	for _, f := range ag.files {
		for _, m := range chain(f.mod) {
			ag.universe[m] = true
		}
		if f.handler != 0 {
			handlers[f.mod] = true
			ag.handlerMods[f.mod] = true
		}
	}
	// What each folder's code can likely see: a function its own code and its layers'; a
	// layer its own code and, less often, other layers'.
	own := map[string]map[string]bool{}
	for _, f := range ag.files {
		if !f.onPath {
			continue
		}
		if own[f.owner] == nil {
			own[f.owner] = map[string]bool{}
		}
		for _, m := range chain(f.mod) {
			own[f.owner][m] = true
		}
	}
	ag.avail = map[string]map[string]bool{}
	for _, f := range ag.files {
		if ag.avail[f.owner] != nil {
			continue
		}
		av := map[string]bool{}
		for m := range own[f.owner] {
			av[m] = true
		}
		if us, ok := ag.uses[f.owner]; ok {
			for _, l := range us {
				for m := range own[l] {
					av[m] = true
				}
			}
		} else {
			owners := make([]string, 0, len(own))
			for o := range own {
				owners = append(owners, o)
			}
			sort.Strings(owners) // map order must not steer the random source
			for _, o := range owners {
				if _, isFn := ag.uses[o]; !isFn && ag.p(0.1) {
					for m := range own[o] {
						av[m] = true
					}
				}
			}
		}
		ag.avail[f.owner] = av
	}
	names := make([]string, 0, len(ag.universe))
	for m := range ag.universe {
		names = append(names, m)
	}
	sort.Strings(names)
	key := map[string]float64{}
	for _, m := range names {
		key[m] = ag.r.Float64()
		if handlers[m] {
			key[m] = -1
		}
	}
	sort.SliceStable(names, func(i, j int) bool { return key[names[i]] < key[names[j]] })
	ag.rank = map[string]int{}
	var emit func(string)
	emit = func(m string) {
		if _, ok := ag.rank[m]; ok {
			return
		}
		if p := parentOf(m); p != "" {
			emit(p)
		}
		ag.rank[m] = len(ag.rank)
	}
	for _, m := range names {
		emit(m)
	}

	// Highest rank first, so a file's targets are written before it and their names known.
	files := append([]*modFile(nil), ag.files...)
	sort.SliceStable(files, func(i, j int) bool {
		if ag.rank[files[i].mod] != ag.rank[files[j].mod] {
			return ag.rank[files[i].mod] > ag.rank[files[j].mod]
		}
		return files[i].path < files[j].path
	})
	ag.defs = map[string][]string{}
	ag.ibinds = map[string][]string{}
	ag.canon = map[string]map[string]bool{}
	for _, f := range files {
		if f.ghost {
			continue
		}
		ag.body(f)
		if f.binds["handler"] {
			ag.hasHandler[f.mod] = true
		}
		for _, n := range defNames {
			if f.binds[n] && !contains(ag.defs[f.mod], n) {
				ag.defs[f.mod] = append(ag.defs[f.mod], n)
			}
		}
		for n := range f.binds {
			if !contains(defNames, n) && n != "handler" && !contains(ag.ibinds[f.mod], n) {
				ag.ibinds[f.mod] = append(ag.ibinds[f.mod], n)
			}
		}
		sort.Strings(ag.ibinds[f.mod])
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func (ag *appGen) rankOf(m string) int {
	if r, ok := ag.rank[m]; ok {
		return r
	}
	return 1 << 30
}

// loadable reports whether module self may import target: every module the import would
// newly run (target and its parents, minus self and its parents) ranks above self.
func (ag *appGen) loadable(self, target string) bool {
	if target == self {
		return false
	}
	mine := map[string]bool{}
	for _, m := range chain(self) {
		mine[m] = true
	}
	for _, m := range chain(target) {
		if !mine[m] && ag.rankOf(m) <= ag.rankOf(self) {
			return false
		}
	}
	return true
}

// targets lists the module names file f may import, filtered by ok: usually those its
// folder can likely see, sometimes any.
func (ag *appGen) targets(f *modFile, ok func(string) bool) []string {
	self := f.mod
	set := ag.avail[f.owner]
	if ag.p(0.03) {
		set = ag.universe
	}
	var out []string
	for m := range set {
		// A module file never imports through itself (as if it were a package): Python
		// would see it half-initialized.
		if !f.isPkg && ag.isAncestor(self, m) {
			continue
		}
		if ag.loadable(self, m) && ok(m) {
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

// nameFrom picks a name to import from module m: usually one some file of m defines,
// sometimes one bound there by an import, sometimes one likely not defined at all.
func (ag *appGen) nameFrom(m string) string {
	switch ag.weighted(91, 6, 3) {
	case 0:
		if d := ag.defs[m]; len(d) > 0 {
			return ag.pick(d)
		}
	case 1:
		if d := ag.ibinds[m]; len(d) > 0 {
			return ag.pick(d)
		}
	}
	return ag.pick(defNames)
}

func (ag *appGen) isAncestor(a, m string) bool { return strings.HasPrefix(m, a+".") }

// body writes f's imports and definitions.
func (ag *appGen) body(f *modFile) {
	var imports []string
	n := ag.weighted(50, 35, 15)
	if f.handler != 0 {
		n = 1 + ag.weighted(30, 40, 20, 10)
	}
	for i := 0; i < n; i++ {
		if s := ag.importStmt(f); s != "" {
			imports = append(imports, s)
		}
	}
	var defs []string
	needs := map[string]bool{} // imports the control-flow tests need
	canon := ag.canon[f.mod]
	if canon == nil {
		canon = map[string]bool{}
		for _, d := range defNames {
			canon[d] = ag.p(0.5)
		}
		ag.canon[f.mod] = canon
	}
	vary := ag.p(0.1) // most files of one module define the same names
	for _, d := range defNames {
		if canon[d] != (vary && ag.p(0.3)) {
			f.binds[d] = true
			if d == "f" || d == "g" {
				defs = append(defs, "def "+d+"():\n    return None")
			} else {
				defs = append(defs, d+" = 1")
			}
		}
	}
	switch f.handler {
	case 1:
		defs = append(defs, "def handler(event, context):\n    return None")
	case 4:
		defs = append(defs, "handler = lambda event, context: None")
	case 5:
		defs = append(defs, "class _Handler:\n    def __call__(self, event, context):\n        return None\n\n\nhandler = _Handler()")
	case 6:
		defs = append(defs, "if True:\n    def handler(event, context):\n        return None")
	case 7:
		defs = append(defs, "try:\n    def handler(event, context):\n        return None\nexcept Exception:\n    pass")
	case 8:
		// Dunder names raise AttributeError, as well-behaved module __getattr__ do: a star
		// import asks for __all__, and what a __getattr__ that answers everything gives
		// there (here a function: TypeError, not iterable) is not something layerkit reads.
		defs = append(defs, "def __getattr__(name):\n    if name.startswith(\"__\"):\n        raise AttributeError(name)\n    return lambda event, context: None")
	case 9, 10, 11, 12, 13, 14:
		fi, fd := ag.flowHandler(f, needs)
		imports = append(imports, fi...)
		defs = append(defs, fd...)
		f.binds["handler"] = true
	case 3:
		// Bind handler by an import (a re-export): from <target> import <name> as handler.
		ts := ag.targets(f, func(m string) bool { return len(ag.defs[m]) > 0 && !ag.isAncestor(m, f.mod) })
		if len(ts) > 0 {
			m := ag.pick(ts)
			imports = append(imports, "from "+m+" import "+ag.pick(ag.defs[m])+" as handler")
		} else {
			defs = append(defs, "handler = None")
		}
	}
	imports, fixed, defs := ag.runtimeShapes(f, imports, defs)
	if f.handler == 0 && ag.p(0.06) {
		// Other modules bind handler too (found by star imports and re-exports).
		if ag.p(0.7) {
			defs = append(defs, "def handler(event, context):\n    return None")
		} else {
			defs = append(defs, "handler = None")
		}
		f.binds["handler"] = true
	}
	styled := ag.withPathEdit(f, append(ag.flowWrap(f, ag.style(imports), needs), fixed...))
	if ag.p(0.12) {
		if s := ag.flowImport(f); s != "" {
			styled = append(styled, s)
		}
	}
	if all := ag.allOf(f); all != "" {
		defs = append(defs, all)
	}
	var head []string
	for n := range needs {
		head = append(head, n)
	}
	sort.Strings(head)
	if ag.backTargets[f.mod] {
		head = append(head, lkEarly+" = 1")
		defs = append(defs, lkLate+" = 1")
	}
	f.body = append(append(ag.preamble(), head...), append(styled, defs...)...)
	if len(f.body) == 0 {
		f.body = []string{"# empty"}
	}
}

// preamble returns text before a module's code that a scanner must not take for imports.
func (ag *appGen) preamble() []string {
	var out []string
	switch ag.weighted(75, 10, 8, 7) {
	case 1:
		out = append(out, `"""Generated module; import lk_zz is not code."""`)
	case 2:
		out = append(out, "\"\"\"Generated module.\n    from lk_zz import nothing\n    \"\"\"")
	case 3:
		out = append(out, "# import lk_zz")
	}
	return out
}

// style rewrites the canonical import statements importStmt makes ("import a[ as b]",
// "from m import n[ as b]") in the other forms Python accepts, with the same meaning:
// several modules or names in one statement, parenthesized or backslash-continued lists,
// trailing comments, two statements on one line.
func (ag *appGen) style(imps []string) []string {
	fromOf := func(s string) (mod, names string, ok bool) {
		rest, ok := strings.CutPrefix(s, "from ")
		if !ok {
			return "", "", false
		}
		return strings.Cut(rest, " import ")
	}
	var out []string
	for i := 0; i < len(imps); i++ {
		s := imps[i]
		for i+1 < len(imps) {
			n := imps[i+1]
			m1, n1, ok1 := fromOf(s)
			m2, n2, ok2 := fromOf(n)
			if !ok1 && !ok2 && ag.p(0.3) {
				s += ", " + strings.TrimPrefix(n, "import ")
			} else if ok1 && ok2 && m1 == m2 && ag.p(0.6) {
				s = "from " + m1 + " import " + n1 + ", " + n2
			} else {
				break
			}
			i++
		}
		if mod, names, ok := fromOf(s); ok && strings.Contains(names, ", ") {
			parts := strings.Split(names, ", ")
			switch ag.weighted(2, 1, 1) {
			case 1:
				s = "from " + mod + " import (\n    " + strings.Join(parts, ",\n    ") + ",\n)"
			case 2:
				s = "from " + mod + " import " + strings.Join(parts, ", \\\n    ")
			}
		}
		if ag.p(0.08) {
			s += "  # import lk_zz"
		}
		out = append(out, s)
	}
	// Sometimes two one-line statements share a line.
	for i := 0; i+1 < len(out); i++ {
		if !strings.Contains(out[i], "\n") && !strings.Contains(out[i], "#") && !strings.Contains(out[i+1], "\n") && ag.p(0.08) {
			out[i] += "; " + out[i+1]
			out = append(out[:i+1], out[i+2:]...)
		}
	}
	return out
}

// importStmt returns one import statement for f (and records what it binds), or "".
func (ag *appGen) importStmt(f *modFile) string {
	self := f.mod
	ctx := parentOf(self) // the package relative imports are resolved against
	if f.isPkg {
		ctx = self
	}
	notAnc := func(m string) bool { return !ag.isAncestor(m, self) }
	dotted := func(m string) bool { return strings.Contains(m, ".") && notAnc(m) }
	bind := func(n string) { f.binds[n] = true }

	switch ag.weighted(3, 0.6, 2.5, 3, 1, 2, 1.5, 1, 0.25, 0.25) {
	case 0, 1: // import a / import a.b [as al]
		ts := ag.targets(f, notAnc)
		if len(ts) == 0 {
			return ""
		}
		m := ag.pick(ts)
		switch ag.weighted(97, 1.5, 1.5) {
		case 1:
			m = missingTop
		case 2:
			m += "." + missingSub
		}
		if ag.p(0.15) {
			al := ag.pick(aliasNames)
			bind(al)
			return "import " + m + " as " + al
		}
		bind(strings.SplitN(m, ".", 2)[0])
		return "import " + m
	case 2: // from a import b (b a submodule)
		ts := ag.targets(f, dotted)
		if len(ts) == 0 {
			return ""
		}
		m := ag.pick(ts)
		bind(lastOf(m))
		return "from " + parentOf(m) + " import " + lastOf(m)
	case 3, 4: // from a import name [as al]
		ts := ag.targets(f, notAnc)
		if len(ts) == 0 {
			return ""
		}
		m := ag.pick(ts)
		name := ag.nameFrom(m)
		if ag.p(0.25) {
			al := ag.pick(aliasNames)
			bind(al)
			return "from " + m + " import " + name + " as " + al
		}
		bind(name)
		return "from " + m + " import " + name
	case 5: // from . import x
		if ctx == "" {
			return ""
		}
		ts := ag.targets(f, func(m string) bool { return parentOf(m) == ctx })
		if len(ts) == 0 {
			return ""
		}
		s := lastOf(ag.pick(ts))
		if ag.p(0.04) {
			// Not recorded as bound: a module importing m9 from here would close a cycle
			// through the half-initialized package (regressions/package-init-cycle-from-dot; layerkit handles it since the resolver follows imports depth first, but the generator still avoids cycles).
			return "from . import " + missingSub
		}
		bind(s)
		return "from . import " + s
	case 6: // from .x import y
		if ctx == "" {
			return ""
		}
		ts := ag.targets(f, func(m string) bool { return parentOf(m) == ctx })
		if len(ts) == 0 {
			return ""
		}
		m := ag.pick(ts)
		name := ag.nameFrom(m)
		bind(name)
		return "from ." + lastOf(m) + " import " + name
	case 7: // from .. import z
		if ctx == "" || parentOf(ctx) == "" {
			return ""
		}
		up := parentOf(ctx)
		ts := ag.targets(f, func(m string) bool { return parentOf(m) == up })
		if len(ts) == 0 {
			return ""
		}
		s := lastOf(ag.pick(ts))
		bind(s)
		return "from .. import " + s
	case 8: // relative import past the top-level package
		if ctx == "" || strings.Contains(ctx, ".") {
			return ""
		}
		return "from .. import " + ag.pick(subNames)
	case 9: // relative import in a top-level module (no parent package)
		if ctx != "" {
			return ""
		}
		return "from . import " + ag.pick(subNames)
	}
	return ""
}

// TestDifferentialVerify runs `layerkit verify` (internal/verify: its own materialization
// of /var/task and /opt, its own bootstrap emulation, one interpreter per function) over
// generated apps: every function must agree, so verify's harness and the oracle tell the
// same story.
func TestDifferentialVerify(t *testing.T) {
	py, err := diffPython()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 not found (required in CI): %v", err)
		}
		t.Skipf("python3 not found: %v", err)
	}
	pyver, err := pythonVersion(py)
	if err != nil {
		t.Skipf("python3 unusable: %v", err)
	}
	seed := int64(defaultDiffSeed) + 1000
	g := newGen(seed, pyver)
	apps, funcs := 2, 16
	if testing.Short() {
		apps, funcs = 1, 8
	}
	n := 0
	for i := 0; i < apps; i++ {
		a := g.app(i, funcs)
		if err := a.write(filepath.Join(t.TempDir(), a.name)); err != nil {
			t.Fatal(err)
		}
		rep, err := verify.Run(context.Background(), verify.Options{Check: check.Options{Path: a.dir}, Python: py, TempDir: t.TempDir()})
		if err != nil {
			t.Fatalf("verify.Run: %v", err)
		}
		static, _, err := staticVerdicts(a.dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range rep.Functions {
			n++
			if f.Status == verify.Agree {
				continue
			}
			if cannotFollowPath(static.all[f.Name]) {
				continue // layerkit said a sys.path edit decides, and it cannot follow it (LK106)
			}
			var fn *dFunc
			for _, x := range a.funcs {
				if x.id == f.Name {
					fn = x
				}
			}
			b, _ := json.MarshalIndent(f, "  ", "  ")
			t.Errorf("seed %d %s %s: verify says %s:\n  %s\n%s", seed, a.name, f.Name, f.Status, b, indent(a.repro(fn).dump(), "    "))
		}
	}
	t.Logf("python%s: %d functions verified", pyver, n)
}
