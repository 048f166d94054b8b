// Package verify is `layerkit verify`: it proves (or disproves) the static verdict of
// `layerkit check` for every Python function with the real interpreter. For each function
// it materializes /var/task and /opt (the layers merged in order) in a private temporary
// folder, runs a local python3.X with the sys.path the Lambda bootstrap builds, imports
// the handler module and looks the handler up as awslambdaric does, and compares.
//
// Importing runs the user's top-level code. It runs with -I -S -B, an environment holding
// only what Lambda sets (dummy values) and the function's own variables, the function's
// /var/task copy as working folder (the checked folder is only read: files are copied,
// never linked, up to Options.MaxSize), a time limit per function, and the temporary
// folder is removed when Run returns, also when ctx is cancelled (SIGINT, SIGTERM in the
// CLI). On Linux python runs under an intermediate process (sandbox_linux.go) that holds
// nothing of layerkit's environment and kills everything the import started when it ends.
// The verdict comes back on a pipe (fd 3), never a file.
//
// What is guaranteed, and what is not: the code cannot read layerkit's environment
// through its parent (the intermediate), nor layerkit's /proc files when it runs as a
// non-root user (layerkit is non-dumpable); as root it can read any process's. It cannot
// leave a process behind, forge a verdict through the file system, or write the checked
// folder through the copy; where the kernel has Landlock it cannot write outside verify's
// folder, /tmp and /dev at all (landlock_linux.go). It runs in the same process as the harness, so code written
// against the harness can write a verdict on the pipe and exit: a second verdict makes
// the function's result "error", but one alone is taken. verify proves a verdict about
// your own code; it is not a sandbox for hostile code (no namespaces, no seccomp).
//
// What layerkit assumes the static way is stood in the same way here, and reported:
// distributions a build step would install (source mode), the runtime's own packages
// (boto3, ...), and top-level modules a layer layerkit cannot read might provide.
package verify

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/memo"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/pyresolve"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/runtimes"
)

//go:embed harness.py
var harnessPy []byte

// DefaultTimeout is the default time limit of one function's import.
const DefaultTimeout = 10 * time.Second

// Options says what to verify.
type Options struct {
	Check check.Options
	// Python forces the interpreter (a path or a name on PATH); "" picks python3.X.
	Python string
	// Node forces the node that loads Node.js handlers (a path or a name on PATH); ""
	// picks node from PATH.
	Node string
	// Exact skips functions whose runtime's python3.X is not found (or whose Node.js
	// major is not the local node's), instead of running another version.
	Exact bool
	// Timeout limits each function's import; 0 means DefaultTimeout.
	Timeout time.Duration
	// Jobs is how many interpreters run at once; 0 means the number of CPUs (at most 4).
	Jobs int
	// PathEnv is the PATH searched for interpreters; "" means $PATH.
	PathEnv string
	// TempDir is where the private folder is made; "" means os.TempDir().
	TempDir string
	// MaxSize caps the bytes written to materialize all functions (their /var/task and
	// the shared /opt folders); 0 means DefaultMaxSize. Past it a function fails
	// (symlink fan-out in a package can multiply what is copied).
	MaxSize int64
}

// DefaultMaxSize is the default cap of what verify materializes: eight times the 250 MB
// Lambda accepts for one function and its layers.
const DefaultMaxSize = 2 << 30

// Status of one function.
const (
	Agree        = "agree"
	Disagree     = "disagree"
	Unverifiable = "unverifiable" // the interpreter lacked what the static side could not read either
	Skipped      = "skipped"
	Failed       = "error" // verify could not run the interpreter to a verdict
)

// Report is the outcome of Run.
type Report struct {
	Checked   string     `json:"checked"`
	Functions []Function `json:"functions"`
	Summary   Summary    `json:"summary"`
}

// Summary counts the functions by status.
type Summary struct {
	Functions    int `json:"functions"`
	Agree        int `json:"agree"`
	Disagree     int `json:"disagree"`
	Unverifiable int `json:"unverifiable"`
	Skipped      int `json:"skipped"`
	Errors       int `json:"errors"`
}

// Function is one function's two verdicts.
type Function struct {
	Name    string `json:"function"`
	Source  string `json:"source"` // the template or folder it comes from
	Runtime string `json:"runtime"`
	Handler string `json:"handler"`
	Status  string `json:"status"`
	// Reason says why a function was skipped, could not be run, or is unverifiable.
	Reason      string       `json:"reason,omitempty"`
	Static      Static       `json:"static"`
	Interpreter *Interpreted `json:"interpreter,omitempty"`
	StandIns    []StandIn    `json:"stand_ins,omitempty"`
	Notes       []string     `json:"notes,omitempty"`
}

// Static is layerkit's verdict: fails when an error LK101, LK102, LK103 or LK301–LK304
// is reported for the function.
type Static struct {
	Fails bool `json:"fails"`
	// Errors are the deciding findings ("LK101 src/app.py:3").
	Errors []string `json:"errors,omitempty"`
	// Message is what layerkit says Lambda will print (the first error's).
	Message string `json:"message,omitempty"`
}

// Interpreted is the interpreter's verdict.
type Interpreted struct {
	Python  string `json:"python,omitempty"` // the interpreter's path (a Python function)
	Node    string `json:"node,omitempty"`   // node's path (a Node.js function)
	Version string `json:"version"`          // "3.11", "20.20.2"
	Fails   bool   `json:"fails"`
	// ErrorType and Message are what Lambda would log: "Runtime.ImportModuleError",
	// "Unable to import module 'app': No module named 'x'".
	ErrorType string `json:"error_type,omitempty"`
	Message   string `json:"message,omitempty"`
	// Code is Node's error code ("ERR_MODULE_NOT_FOUND", "MODULE_NOT_FOUND").
	Code string `json:"code,omitempty"`
	// Where is the innermost line of the function's or a layer's code the failure passed
	// through ("task/app.py:3", "opt/python/x.py:1"); for Node.js the first such line of
	// the error's stack ("/var/task/app.js:3").
	Where string `json:"where,omitempty"`
	// Approximate is true when the interpreter's version is not the runtime's and the
	// verdict may depend on it (standard-library modules that differ between them).
	Approximate bool   `json:"approximate,omitempty"`
	Trace       string `json:"trace,omitempty"`
	Output      string `json:"output,omitempty"` // what the import printed (the end of it)
}

// StandIn is an empty package put where layerkit assumes a module, and why.
type StandIn struct {
	Module string `json:"module"`
	Why    string `json:"why"`
	// Imported is true when the handler's import reached it.
	Imported bool `json:"imported"`
}

// Run checks opts.Check statically, then imports every Python function's handler with
// a local python3.X and loads every Node.js function's handler with a local node
// (node.go).
func Run(ctx context.Context, opts Options) (*Report, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Jobs <= 0 {
		opts.Jobs = min(runtime.GOMAXPROCS(0), 4)
	}
	if opts.PathEnv == "" {
		opts.PathEnv = os.Getenv("PATH")
	}
	if opts.MaxSize <= 0 {
		opts.MaxSize = DefaultMaxSize
	}
	// This process's /proc/<pid> files (environ, cwd, fd) become unreadable to the
	// imported code when it runs as the same non-root user (sandbox_linux.go).
	hideSelf()
	fd := &finder{pathEnv: opts.PathEnv, probed: map[string]probeResult{}}
	if opts.Python != "" {
		abs, err := flagPath("--python", opts.Python)
		if err != nil {
			return nil, err
		}
		if _, err := fd.probe(ctx, abs); err != nil {
			return nil, &InputError{"--python: " + err.Error()}
		}
		fd.explicit = abs
	}

	nf := &nodeFinder{pathEnv: opts.PathEnv}
	if opts.Node != "" {
		abs, err := flagPath("--node", opts.Node)
		if err != nil {
			return nil, err
		}
		if np := probeNode(ctx, abs); np.err != nil {
			return nil, &InputError{"--node: " + np.err.Error()}
		}
		nf.explicit = abs
	}

	opts.Check.KeepAnalyses = true // each function is materialized from its analysis
	res, err := check.Run(ctx, opts.Check)
	if err != nil {
		return nil, err
	}
	rep := &Report{Checked: res.Checked}
	byFn := map[string][]finding.Finding{}
	for _, f := range res.Findings {
		byFn[f.Function] = append(byFn[f.Function], f)
	}
	source := map[*model.Function]string{}
	for _, app := range res.Apps {
		for _, fn := range app.Functions {
			source[fn] = app.Source
		}
	}

	tmp, err := os.MkdirTemp(opts.TempDir, "layerkit-verify-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	harness := filepath.Join(tmp, "harness", "lk_verify_harness.py")
	if err := os.MkdirAll(filepath.Dir(harness), 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(harness, harnessPy, 0o600); err != nil {
		return nil, err
	}

	r := &runner{opts: opts, fd: fd, nodes: nf, tmp: tmp, harness: harness}
	r.budget.max = opts.MaxSize
	rep.Functions = make([]Function, len(res.Analyses))
	var wg sync.WaitGroup
	sem := make(chan struct{}, opts.Jobs)
	for i, a := range res.Analyses {
		out := &rep.Functions[i]
		out.Name, out.Source, out.Runtime, out.Handler = a.Fn.Name, source[a.Fn], a.Fn.Runtime, a.Fn.Handler
		out.Static = staticVerdict(byFn[a.Fn.Name])
		isNode := a.Skip == "" && a.Runtime != nil && a.Runtime.IsNode() && nodeResult(a) != nil
		if !isNode && (a.Skip != "" || pyResult(a) == nil || a.Runtime == nil || !a.Runtime.IsPython()) {
			out.Status, out.Reason = Skipped, a.Skip
			if out.Reason == "" {
				out.Reason = "not analysed"
			}
			continue
		}
		wg.Add(1)
		go func(i int, a *check.Function) {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			if isNode {
				r.verifyNode(ctx, i, a, out)
				return
			}
			r.verify(ctx, i, a, out)
		}(i, a)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, f := range rep.Functions {
		rep.Summary.Functions++
		switch f.Status {
		case Agree:
			rep.Summary.Agree++
		case Disagree:
			rep.Summary.Disagree++
		case Unverifiable:
			rep.Summary.Unverifiable++
		case Skipped:
			rep.Summary.Skipped++
		default:
			rep.Summary.Errors++
		}
	}
	return rep, nil
}

// App verifies the app at path (a folder or a template) with the defaults: python3.X
// and node from PATH, a private folder in os.TempDir(). It is Run for a test of another
// package (a fixed app must verify: Report.Problems is empty).
func App(ctx context.Context, path string) (*Report, error) {
	return Run(ctx, Options{Check: check.Options{Path: path}})
}

// Problems lists, one line each, the functions that do not agree (disagree, no
// verdict, unverifiable) and those skipped (no interpreter): empty when every function
// was loaded and agrees.
func (rep *Report) Problems() []string {
	var out []string
	for _, f := range rep.Functions {
		if f.Status == Agree {
			continue
		}
		line := fmt.Sprintf("%s (%s, %s): %s", f.Name, f.Runtime, f.Handler, f.Status)
		if f.Reason != "" {
			line += ": " + f.Reason
		}
		if in := f.Interpreter; in != nil && in.Fails {
			line += fmt.Sprintf(" [interpreter: %s: %s]", in.ErrorType, firstLineOf(in.Message))
		}
		if f.Static.Fails {
			line += fmt.Sprintf(" [layerkit: %s]", strings.Join(f.Static.Errors, ", "))
		}
		out = append(out, line)
	}
	return out
}

func firstLineOf(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}

// flagPath is the absolute path of the interpreter a flag names: a path, or a name
// looked up on PATH.
func flagPath(flag, p string) (string, error) {
	if !strings.ContainsRune(p, filepath.Separator) && !strings.Contains(p, "/") {
		lp, err := exec.LookPath(p)
		if err != nil {
			return "", &InputError{fmt.Sprintf("%s %s: not found on PATH", flag, p)}
		}
		p = lp
	}
	return filepath.Abs(p)
}

// markImported sets StandIn.Imported for the stand-ins whose module is in imported.
func markImported(standIns []StandIn, imported map[string]bool) {
	for i := range standIns {
		standIns[i].Imported = imported[standIns[i].Module]
	}
}

// InputError is a bad option (exit 2).
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

// deciding are the codes whose errors mean "the handler will not import".
var deciding = map[rulecode.Code]bool{rulecode.LK101: true, rulecode.LK102: true, rulecode.LK103: true, rulecode.LK107: true, rulecode.LK108: true,
	rulecode.LK301: true, rulecode.LK302: true, rulecode.LK303: true, rulecode.LK304: true}

func staticVerdict(fs []finding.Finding) Static {
	var s Static
	for _, f := range fs {
		if f.Severity != model.Error || !deciding[f.Code] {
			continue
		}
		s.Fails = true
		s.Errors = append(s.Errors, fmt.Sprintf("%s %s:%d", f.Code, f.Pos.File, f.Pos.Line))
		if s.Message == "" {
			s.Message = lambdaText(f.Message)
		}
	}
	return s
}

// lambdaText is the part of a finding's message that says what Lambda prints.
func lambdaText(msg string) string {
	_, after, ok := strings.Cut(msg, "Lambda will fail with ")
	if !ok {
		_, after, ok = strings.Cut(msg, "Lambda will fail to initialize the function with ")
	}
	if !ok {
		return msg
	}
	if i := strings.Index(after, ". The same import fails at"); i >= 0 {
		after = after[:i]
	}
	if i := strings.Index(after, " (a warning"); i >= 0 {
		after = after[:i]
	}
	return after
}

type runner struct {
	opts    Options
	fd      *finder
	nodes   *nodeFinder
	tmp     string
	harness string

	opt  memo.Map[string, *sharedOpt] // the /opt folders, shared by content key
	nopt atomic.Int64                 // how many there are (names the next one)

	budget budget // bytes materialized, against Options.MaxSize
}

// budget counts bytes written against a cap, across goroutines.
type budget struct {
	max  int64
	used atomic.Int64
}

// take counts n more bytes; it fails once the cap is passed.
func (b *budget) take(n int64) error {
	if b.max > 0 && b.used.Add(n) > b.max {
		return fmt.Errorf("materializing the functions passes %d MiB (--max-materialize); a package or layer that big, or symlinks fanning out, is not copied further", b.max>>20)
	}
	return nil
}

// harnessResult is what harness.py writes.
type harnessResult struct {
	OK        bool     `json:"ok"`
	ErrorType string   `json:"error_type"`
	Message   string   `json:"message"`
	Exc       string   `json:"exc"`
	Where     string   `json:"where"`
	Trace     string   `json:"trace"`
	StandIns  []string `json:"standins"`
	Stdlib    []string `json:"stdlib"`
}

type harnessConfig struct {
	Task         string    `json:"task"`
	OptSite      string    `json:"opt_site"`
	OptPython    string    `json:"opt_python"`
	RuntimeDir   string    `json:"runtime_dir"`
	LangSite     string    `json:"lang_site"`
	Assumed      string    `json:"assumed"`
	RuntimeMinor int       `json:"runtime_minor"`
	PythonPath   *[]string `json:"pythonpath"`
	Handler      string    `json:"handler"`
	// ResultFD is the file descriptor of the verdict pipe (3): the harness writes its
	// one JSON verdict there, not to a file the imported code could reach.
	ResultFD int `json:"result_fd"`
}

func (r *runner) verify(ctx context.Context, idx int, a *check.Function, out *Function) {
	rt := a.Runtime
	in, why, ok := r.fd.find(ctx, rt.Version, r.opts.Exact)
	if !ok {
		out.Status, out.Reason = Skipped, why
		return
	}
	interp := &Interpreted{Python: in.Path, Version: in.Version}
	if in.Version != rt.Version {
		out.Notes = append(out.Notes, fmt.Sprintf("ran with Python %s, not %s: standard-library differences between the versions make version-dependent results approximate", in.Version, rt.Version))
	}
	dir := filepath.Join(r.tmp, fmt.Sprintf("fn%03d", idx))
	cfg, standIns, err := r.materialize(a, dir)
	out.StandIns = standIns
	r.layerNotes(a, out, "the interpreter")
	if err != nil {
		out.Status, out.Reason = Failed, "materializing the function: "+err.Error()
		return
	}
	hr, output, err := r.run(ctx, in, dir, cfg, a.Fn)
	if err != nil {
		out.Status, out.Reason = Failed, err.Error()
		interp.Output = output
		out.Interpreter = interp
		return
	}
	interp.Fails = !hr.OK
	interp.ErrorType, interp.Message, interp.Where = hr.ErrorType, hr.Message, hr.Where
	interp.Output = output
	if !hr.OK && hr.ErrorType != "Runtime.ImportModuleError" && hr.ErrorType != "Runtime.HandlerNotFound" {
		interp.Trace = strings.ReplaceAll(strings.ReplaceAll(hr.Trace, cfg.Task, "task"), filepath.Dir(cfg.OptPython), "opt")
	}
	if in.Version != rt.Version {
		interp.Approximate = versionDependent(rt, in.Version, hr)
	}
	imported := map[string]bool{}
	for _, s := range hr.StandIns {
		imported[s] = true
	}
	markImported(out.StandIns, imported)
	out.Interpreter = interp
	switch {
	case interp.Fails == out.Static.Fails:
		out.Status = Agree
	case interp.Fails && unverifiable(a, hr):
		out.Status = Unverifiable
		out.Reason = "the missing module may come from a layer layerkit cannot read; layerkit warns about it"
	default:
		out.Status = Disagree
		if interp.Fails && !strings.HasPrefix(hr.ErrorType, "Runtime.") {
			out.Reason = "the import raised " + hr.ErrorType + ", an error in the code itself that layerkit does not predict"
		}
	}
}

// unverifiable: the interpreter failed on a module a layer layerkit cannot read might
// provide (layerkit reports a warning, not an error).
func unverifiable(a *check.Function, hr harnessResult) bool {
	if !pyResult(a).Env.Uninspectable || hr.ErrorType != "Runtime.ImportModuleError" {
		return false
	}
	_, after, ok := strings.Cut(hr.Message, "No module named '")
	if !ok {
		return false
	}
	name, _, _ := strings.Cut(after, "'")
	top, _, _ := strings.Cut(name, ".")
	if h := pyResult(a).Handler; h.Found == nil && h.Missing != "" {
		return true
	}
	for _, pr := range pyResult(a).Problems {
		if pr.Failure == pyresolve.NoModule && (pr.Missing == name || pr.Missing == top) {
			return true
		}
	}
	return false
}

// versionDependent: the verdict may change with the version: a standard-library module
// the import loaded, or the one it failed on, is in one version's standard library and
// not in the other's.
func versionDependent(rt *runtimes.Runtime, local string, hr harnessResult) bool {
	lrt, ok := runtimes.Lookup("python" + local)
	if !ok {
		return true
	}
	names := append([]string(nil), hr.Stdlib...)
	if _, after, ok := strings.Cut(hr.Message, "No module named '"); ok {
		name, _, _ := strings.Cut(after, "'")
		top, _, _ := strings.Cut(name, ".")
		names = append(names, top)
	}
	if hr.ErrorType == "AttributeError" || hr.ErrorType == "Runtime.UserCodeSyntaxError" {
		return true
	}
	for _, n := range names {
		if rt.StdlibHas(n) != lrt.StdlibHas(n) {
			return true
		}
	}
	return false
}

// run starts the interpreter for one function and reads its verdict.
func (r *runner) run(ctx context.Context, in Interpreter, dir string, cfg harnessConfig, fn *model.Function) (harnessResult, string, error) {
	var hr harnessResult
	cfgPath := filepath.Join(dir, "config.json")
	b, err := json.Marshal(cfg)
	if err != nil {
		return hr, "", err
	}
	if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
		return hr, "", err
	}
	argv := []string{in.Path, "-I", "-S", "-B", r.harness, cfgPath}
	data, text, err := r.runContained(ctx, dir, argv, lambdaEnv(fn, cfg.Task, cfg.RuntimeDir), cfg.Task, func(s string) string {
		return strings.ReplaceAll(s, cfg.Task, "task")
	})
	if err != nil {
		return hr, text, err
	}
	if err := decodeOne(data, &hr); err != nil {
		return harnessResult{}, text, err
	}
	return hr, text, nil
}

// runContained runs argv (an interpreter and verify's loader) for one function: with
// env only, in workDir, under the intermediate (sandbox_linux.go) in a session of its
// own that is killed entirely at the end or at the time limit, writable only below dir
// (with Landlock), and reads the one verdict the loader writes on fd 3 — a pipe
// layerkit opened, never a file the code can write. clean makes the output readable
// (the private folder cut out).
func (r *runner) runContained(ctx context.Context, dir string, argv, env []string, workDir string, clean func(string) string) ([]byte, string, error) {
	cctx, cancel := context.WithTimeout(ctx, r.opts.Timeout)
	defer cancel()
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, "", err
	}
	defer pr.Close()
	// Writable for the import (with Landlock): its own folder (task copy, HOME), not the
	// /opt copy shared with other functions — read-only on Lambda as well — unless
	// verify's folder is below /tmp (the usual TMPDIR), which stays writable.
	cmd := sandboxCommand(cctx, dir, argv, env)
	cmd.Dir = workDir
	var output limitedBuffer
	cmd.Stdout, cmd.Stderr = &output, &output
	cmd.Stdin = nil
	cmd.ExtraFiles = []*os.File{pw}
	cmd.WaitDelay = 3 * time.Second
	verdict := make(chan []byte, 1)
	if err = cmd.Start(); err == nil {
		pw.Close()
		go func() {
			b, _ := io.ReadAll(io.LimitReader(pr, 1<<20))
			verdict <- b
		}()
		err = cmd.Wait()
	} else {
		pw.Close()
	}
	reapGroup(cmd)
	var data []byte
	select {
	case data = <-verdict:
	case <-time.After(time.Second): // a writer outlived the import (no subreaper here)
		pr.Close()
	}
	text := clean(output.String())
	if cctx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
		return nil, text, fmt.Errorf("the import did not finish within %s (--timeout)", r.opts.Timeout)
	}
	if ctx.Err() != nil {
		return nil, text, ctx.Err()
	}
	if len(bytes.TrimSpace(data)) == 0 {
		if err != nil {
			return nil, text, fmt.Errorf("the interpreter stopped without a verdict (%v)", err)
		}
		return nil, text, errors.New("the interpreter stopped without a verdict")
	}
	return data, text, nil
}

// decodeOne reads the one JSON verdict of data into v: more than one is the imported
// code writing on the pipe, and no verdict.
func decodeOne(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("reading the verdict: %v", err)
	}
	if rest, _ := io.ReadAll(dec.Buffered()); len(bytes.TrimSpace(rest)) > 0 || dec.More() {
		return errors.New("the verdict pipe held more than one verdict: the imported code wrote on it; no verdict")
	}
	return nil
}

// sandboxEnv marks the intermediate (sandbox_linux.go); its value is the function's
// private folder, where the import may write.
const sandboxEnv = "LAYERKIT_VERIFY_SANDBOX"

// sandboxCommand is the command that runs argv (python and the harness) with env: under
// the intermediate (sandbox_linux.go) when this system has one, else directly, in a
// process group of its own.
func sandboxCommand(ctx context.Context, tmp string, argv, env []string) *exec.Cmd {
	if sandboxAvailable {
		if exe, err := os.Executable(); err == nil {
			cmd := exec.CommandContext(ctx, exe, argv...)
			cmd.Env = append(append([]string(nil), env...), sandboxEnv+"="+tmp, "LAYERKIT_NO_SUPERVISOR=1")
			intermediateGroup(cmd)
			return cmd
		}
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	ownGroup(cmd)
	return cmd
}

// lambdaEnv is the environment of the interpreter: what Lambda sets (dummy values where
// they would be secrets or addresses) and the function's own variables with known values.
func lambdaEnv(fn *model.Function, task, runtimeDir string) []string {
	name := fn.Name
	env := map[string]string{
		"AWS_LAMBDA_FUNCTION_NAME":        name,
		"AWS_LAMBDA_FUNCTION_VERSION":     "$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "128",
		"AWS_LAMBDA_LOG_GROUP_NAME":       "/aws/lambda/" + name,
		"AWS_LAMBDA_LOG_STREAM_NAME":      "2026/01/01/[$LATEST]00000000000000000000000000000000",
		"AWS_LAMBDA_INITIALIZATION_TYPE":  "on-demand",
		"AWS_LAMBDA_RUNTIME_API":          "127.0.0.1:9001",
		"AWS_REGION":                      "us-east-1",
		"AWS_DEFAULT_REGION":              "us-east-1",
		"AWS_EXECUTION_ENV":               "AWS_Lambda_" + fn.Runtime,
		"LAMBDA_TASK_ROOT":                task,
		"LAMBDA_RUNTIME_DIR":              runtimeDir,
		"_HANDLER":                        fn.Handler,
		"TZ":                              ":UTC",
		"LANG":                            "en_US.UTF-8",
		"PATH":                            "/usr/local/bin:/usr/bin:/bin",
		"HOME":                            task,
	}
	for k, v := range fn.Env {
		if k == "" || strings.ContainsAny(k, "=\x00") || strings.ContainsRune(v.Value, 0) {
			continue
		}
		val := v.Value
		if !v.Known {
			val = "layerkit-verify-unknown"
		}
		env[k] = val
	}
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

// limitedBuffer keeps the last 8 KiB written to it.
type limitedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if l.buf.Len() > 16<<10 {
		rest := append([]byte(nil), l.buf.Bytes()[l.buf.Len()-(8<<10):]...)
		l.buf.Reset()
		l.buf.Write(rest)
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.buf.Bytes()
	if len(b) > 8<<10 {
		b = b[len(b)-(8<<10):]
	}
	return string(b)
}
