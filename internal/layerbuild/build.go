// Package layerbuild builds a Lambda layer zip from a source folder (layerkit build): the
// source under the runtime's layer folder (python/ or nodejs/), its dependencies
// installed for the target runtime and architecture rather than for the build machine
// (pip or uv, npm), a deterministic archive (internal/zipwrite) written atomically, and
// the result checked with the same rules as `layerkit check` before it is kept.
//
// Nothing is ever written into the source folder: the layer is assembled in a
// temporary folder, and the zip is written next to its destination and renamed into
// place only when the build and its verification succeed.
package layerbuild

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/runtimes"
)

// Options say what to build.
type Options struct {
	Src     string // the source folder
	Out     string // the zip to write
	Runtime string // "python3.12", "nodejs20.x"
	Arch    string // "x86_64" (default) or "arm64"

	// Requirements is the requirements file to install (Python); "" means
	// SRC/requirements.txt when it exists.
	Requirements string
	FindLinks    []string // pip/uv --find-links
	NoIndex      bool     // pip/uv --no-index; npm --offline
	AllowSdist   bool     // let pip/uv build source distributions (runs their build code)
	// FollowSymlinks copies what a symlink in Src points at when that is inside Src;
	// without it a symlink in Src is an error, and one leaving Src always is.
	FollowSymlinks bool
	// UseNpmrc uses the source's .npmrc (registry, auth, and whatever else it sets);
	// by default npm runs where no project .npmrc is read.
	UseNpmrc bool
	Exclude  []string // distributions (Python) or packages (Node.js) to drop on purpose
	// Installer is "auto" (uv when on PATH, else pip), "pip" or "uv"; Python only.
	Installer string
	// Python is the interpreter that runs pip ("" = python3, else python).
	Python string

	// Modified is the timestamp of every entry (SOURCE_DATE_EPOCH); zero means
	// 1980-01-01.
	Modified time.Time
	// NoVerify skips the check of the built layer.
	NoVerify bool
	// Ignore lists finding codes the verification drops.
	Ignore []string
	// Today is the date runtime deprecation is judged against; zero means now.
	Today time.Time

	// Verbose streams the tools' output to Log and shows their commands.
	Verbose bool
	// Log receives progress and the tools' output (stderr); nil discards.
	Log io.Writer
	// Progress, a terminal (raw: Log may escape control characters), shows a line that
	// says which tool runs and for how long, rewritten in place and erased when the tool
	// ends; nil, or with Verbose, none.
	Progress io.Writer
	// Env is the tools' environment; nil means os.Environ().
	Env []string
}

// Result is what a build did.
type Result struct {
	Out           string // the zip, as given with -o
	Runtime, Arch string
	// Prefix is where SRC went in the layer: "python/", "nodejs/", or "" when SRC
	// already had that folder and was kept as is.
	Prefix string
	// Requirements is the file (Python) or package.json (Node.js) installed from, as
	// given; "" when nothing was installed.
	Requirements string
	Tool         string   // "pip 23.2.1", "uv 0.5.1", "npm 10.8.2"
	Target       string   // what the tool was asked to install for, in words
	Command      []string // the exact install command
	Notes        []string // warnings about the build itself, in order
	Excluded     []Excluded

	Files  int   // file entries in the zip
	Size   int64 // unzipped bytes
	Zipped int64 // bytes of the zip file
	// SHA256 is the base64 SHA-256 of the zip: what Lambda reports as CodeSha256.
	SHA256   string
	Packages []Package // largest first

	// Verified is true when the layer was checked; Findings are what the check found.
	Verified bool
	Findings []finding.Finding
	// Written is true when Out now holds the new zip.
	Written bool
}

// Excluded is a distribution or package dropped with --exclude.
type Excluded struct {
	Name    string // as found ("boto3 1.35.0")
	Files   int
	Size    int64
	KeptDir string // the .dist-info kept, for Python
}

// Package is the size of one installed distribution or package, or of the source's
// own code (Own).
type Package struct {
	Name    string // "numpy 2.1.3", "mylib/" for own code
	Own     bool
	Files   int
	Size    int64 // unzipped
	Deflate int64 // bytes in the zip
}

// InputError is a problem with the flags or the input (exit 2): a missing folder, an
// unknown runtime, no tool to install with.
type InputError struct {
	Msg string
	Err error // the error it reports, when there is one (*SymlinkError, *BuildCodeError)
}

func (e *InputError) Error() string { return e.Msg }

func (e *InputError) Unwrap() error { return e.Err }

func inputErr(format string, a ...any) error { return &InputError{Msg: fmt.Sprintf(format, a...)} }

// ErrVerify is returned when the built layer has error findings; the zip is not kept.
var ErrVerify = errors.New("the built layer has errors; no zip written")

// checkFindLinks checks, before anything is installed, that each --find-links folder
// (or file: pip reads an HTML page of links too) exists: pip and uv skip a missing one
// silently and then report that no wheel matches.
func checkFindLinks(links []string, noIndex bool) error {
	for _, d := range links {
		p := d
		if strings.Contains(d, "://") {
			u, err := url.Parse(d)
			if err != nil || u.Scheme != "file" {
				continue // an http(s) page of links: the installer reads it
			}
			p = u.Path
		}
		if _, err := os.Stat(p); err != nil {
			msg := fmt.Sprintf("--find-links %s: no such folder", d)
			if !errors.Is(err, os.ErrNotExist) {
				msg = fmt.Sprintf("--find-links %s: %v", d, err)
			}
			if noIndex {
				msg += "; with --no-index it is where every wheel must come from"
			}
			return inputErr("%s (give the folder the wheels were downloaded to, e.g. with pip download -d wheels/)", msg)
		}
	}
	return nil
}

// Run builds the layer. On failure Out is left as it was.
func Run(ctx context.Context, o Options) (*Result, error) {
	b, err := newBuilder(ctx, o)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(b.tmp)
	if err := b.assemble(); err != nil {
		return b.res, asInput(err)
	}
	if err := ctx.Err(); err != nil {
		return b.res, err
	}
	return b.res, asInput(b.write())
}

// asInput makes the refusals of safety.go input errors (exit 2): the source asks for
// something build does not do.
func asInput(err error) error {
	var se *SymlinkError
	var bc *BuildCodeError
	switch {
	case errors.As(err, &se):
		return &InputError{Msg: se.Error(), Err: se}
	case errors.As(err, &bc):
		return &InputError{Msg: bc.Error(), Err: bc}
	}
	return err
}

type builder struct {
	ctx    context.Context
	o      Options
	rt     *runtimes.Runtime
	arch   string
	src    string // absolute
	outAbs string
	tmp    string // work folder: layer/, npm/, verify/
	layer  string // tmp/layer: the layer's content
	res    *Result
	// pyMinor is the minor version of the Python that runs pip (findPip).
	pyMinor int
}

func newBuilder(ctx context.Context, o Options) (*builder, error) {
	rt, ok := runtimes.Lookup(o.Runtime)
	switch {
	case o.Runtime == "":
		return nil, inputErr("--runtime is required (python3.12, nodejs20.x, ...)")
	case !ok:
		return nil, inputErr("unknown runtime %q (python3.6 to python3.14, nodejs18.x to nodejs24.x)", o.Runtime)
	case rt.IsPython() && !rt.ImportsChecked():
		return nil, inputErr("layerkit build makes layers for Python 3 and Node.js runtimes; %s is Python %s", o.Runtime, rt.Version)
	case !rt.IsPython() && !rt.IsNode():
		return nil, inputErr("layerkit build makes Python and Node.js layers; %s is neither", o.Runtime)
	}
	arch := o.Arch
	switch arch {
	case "", "x86_64", "amd64":
		arch = "x86_64"
	case "arm64", "aarch64":
		arch = "arm64"
	default:
		return nil, inputErr("--arch %q: want x86_64 or arm64", o.Arch)
	}
	if !rt.HasArch(arch) {
		return nil, inputErr("%s is not offered on %s", rt.ID, arch)
	}
	if rt.IsNode() {
		switch {
		case len(o.FindLinks) > 0:
			return nil, inputErr("--find-links is for Python layers (pip/uv)")
		case o.AllowSdist:
			return nil, inputErr("--allow-sdist is for Python layers (pip/uv)")
		case o.Requirements != "":
			return nil, inputErr("-r is for Python layers; a Node.js layer installs its package.json")
		case o.Installer != "" && o.Installer != "auto" && o.Installer != "npm":
			return nil, inputErr("--installer %s is for Python layers; Node.js layers use npm", o.Installer)
		}
	} else {
		switch o.Installer {
		case "", "auto", "pip", "uv":
		default:
			return nil, inputErr("--installer %q: want auto, pip or uv", o.Installer)
		}
		if err := checkFindLinks(o.FindLinks, o.NoIndex); err != nil {
			return nil, err
		}
	}
	if o.Src == "" {
		return nil, inputErr("no source folder given")
	}
	if o.Out == "" {
		return nil, inputErr("-o is required: the zip to write, e.g. -o layer.zip")
	}
	src, err := filepath.Abs(o.Src)
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(src)
	if err != nil {
		return nil, inputErr("%s: no such folder", o.Src)
	}
	if !st.IsDir() {
		return nil, inputErr("%s is not a folder (give the layer's source folder)", o.Src)
	}
	if real, err := filepath.EvalSymlinks(src); err != nil {
		return nil, err
	} else if err := refuseSystemPath(o.Src, real); err != nil {
		return nil, err
	}
	outAbs, err := filepath.Abs(o.Out)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(outAbs); err == nil && st.IsDir() {
		return nil, inputErr("-o %s is a folder; give the zip's file name, e.g. %s", o.Out, filepath.Join(o.Out, "layer.zip"))
	}
	if inside(realPath(outAbs), realPath(src)) {
		return nil, inputErr("-o %s is inside the source folder %s; layerkit build never writes into it (write the zip elsewhere, e.g. next to it)", o.Out, o.Src)
	}
	tmp, err := os.MkdirTemp("", "layerkit-build-")
	if err != nil {
		return nil, err
	}
	b := &builder{ctx: ctx, o: o, rt: rt, arch: arch, src: src, outAbs: outAbs, tmp: tmp,
		layer: filepath.Join(tmp, "layer"),
		res:   &Result{Out: o.Out, Runtime: rt.ID, Arch: arch}}
	if err := os.Mkdir(b.layer, 0o755); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	return b, nil
}

// assemble fills b.layer: SRC under its prefix, the dependencies, minus --exclude.
func (b *builder) assemble() error {
	if b.rt.IsPython() {
		return b.assemblePython()
	}
	return b.assembleNode()
}

func (b *builder) note(format string, a ...any) {
	b.res.Notes = append(b.res.Notes, fmt.Sprintf(format, a...))
}

func (b *builder) logf(format string, a ...any) {
	if b.o.Log != nil {
		fmt.Fprintf(b.o.Log, format, a...)
	}
}

func (b *builder) env() []string {
	if b.o.Env != nil {
		return b.o.Env
	}
	return os.Environ()
}

// lookPath finds a program on the PATH of the tools' environment.
func (b *builder) lookPath(name string) (string, error) {
	if strings.ContainsRune(name, filepath.Separator) {
		return exec.LookPath(name)
	}
	pathVar := os.Getenv("PATH")
	for _, kv := range b.env() {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			pathVar = v
		}
	}
	for _, dir := range filepath.SplitList(pathVar) {
		if dir == "" {
			dir = "."
		}
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", exec.ErrNotFound
}

// run runs a tool in dir; label names it in errors. With Verbose its output goes to Log as it comes; otherwise
// it is kept and the end of it is returned in the error.
func (b *builder) run(label, dir string, env []string, name string, args ...string) error {
	return b.runIn(b.ctx, label, dir, env, name, args...)
}

// runIn is run stopped when ctx (b.ctx or one below it) is done.
func (b *builder) runIn(ctx context.Context, label, dir string, env []string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(append([]string(nil), b.env()...), env...)
	cmd.WaitDelay = 5 * time.Second
	var tail tailBuffer
	if b.o.Verbose && b.o.Log != nil {
		cmd.Stdout, cmd.Stderr = b.o.Log, b.o.Log
	} else {
		cmd.Stdout, cmd.Stderr = &tail, &tail
	}
	stop := b.progress(label)
	err := cmd.Run()
	stop()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err != nil {
		out := strings.TrimSpace(tail.String())
		if out != "" {
			return fmt.Errorf("%s failed (%v):\n%s", label, err, indent(out))
		}
		return fmt.Errorf("%s failed (%v)", label, err)
	}
	return nil
}

// progressEvery is how often the progress line is rewritten; a variable for the tests.
var progressEvery = time.Second

// progress shows that label runs (Options.Progress): after progressEvery, a line with
// the time it has run, rewritten every progressEvery; the returned func stops it and
// erases the line.
func (b *builder) progress(label string) (stop func()) {
	w := b.o.Progress
	if w == nil || b.o.Verbose {
		return func() {}
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		tick := time.NewTicker(progressEvery)
		defer tick.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(w, "\r\x1b[K")
				}
				return
			case now := <-tick.C:
				fmt.Fprintf(w, "\r  %s: running for %ds (Ctrl-C stops it)\x1b[K", label, int(now.Sub(start).Seconds()))
				shown = true
			}
		}
	}()
	return func() {
		close(done)
		<-finished
	}
}

// output runs a tool in the private work folder (so that nothing of the current
// folder — a pip.py, an .npmrc — is picked up) and returns its standard output, trimmed.
func (b *builder) output(name string, args ...string) (string, error) {
	cmd := exec.CommandContext(b.ctx, name, args...)
	cmd.Env = b.env()
	cmd.Dir = b.tmp
	out, err := cmd.Output()
	return strings.TrimSpace(string(out)), err
}

// tailBuffer keeps the last 8 KiB written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.b = append(t.b, p...)
	if len(t.b) > 8<<10 {
		t.b = append([]byte(nil), t.b[len(t.b)-8<<10:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

func indent(s string) string {
	lines := strings.Split(s, "\n")
	if len(lines) > 25 {
		lines = append([]string{"..."}, lines[len(lines)-25:]...)
	}
	return "    " + strings.Join(lines, "\n    ")
}

// inside reports whether p is dir or below it.
func inside(p, dir string) bool { return iac.Within(dir, p) }

// realPath resolves the symlinks of p's longest existing ancestor.
func realPath(p string) string {
	rest := ""
	for cur := p; ; {
		if r, err := filepath.EvalSymlinks(cur); err == nil {
			return filepath.Join(r, rest)
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			return p
		}
		rest = filepath.Join(filepath.Base(cur), rest)
		cur = parent
	}
}

// quoteCommand renders a command line for people, quoting what a shell would split.
func quoteCommand(argv []string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		if a == "" || strings.ContainsAny(a, " \t\n'\"\\$`*?[]{}();&|<>!#~") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return strings.Join(out, " ")
}

// CommandLine is Result.Command for people.
func (r *Result) CommandLine() string { return quoteCommand(r.Command) }
