package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/layerkit/layerkit/internal/bytesize"
	"github.com/layerkit/layerkit/internal/layerbuild"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/report"
)

// BuildOptions are the flags of `layerkit build`.
type BuildOptions struct {
	Src          string
	Out          string
	Runtime      string
	Arch         string
	Requirements string
	FindLinks    []string
	NoIndex      bool
	AllowSdist   bool
	FollowLinks  bool
	UseNpmrc     bool
	Exclude      []string
	Installer    string
	Python       string
	Ignore       []string
	NoVerify     bool
	Verbose      bool
	Today        string
}

// exitInterrupted is the status after SIGINT/SIGTERM, as shells report it.
const exitInterrupted = 130

func newBuildCmd(s *IO) *cobra.Command {
	o := &BuildOptions{}
	cmd := &cobra.Command{
		Use:   "build SRC -o LAYER.zip --runtime RUNTIME",
		Short: "Build a layer zip: right folder, dependencies for Lambda, reproducible bytes",
		Long: `Build makes a Lambda layer zip from the folder SRC:

  - SRC goes under python/ (Python) or nodejs/ (Node.js), where Lambda looks; a SRC that
    already has that folder is kept as is. Nothing is written into SRC.
  - Python: SRC/requirements.txt (or -r FILE) is installed with uv when it is on PATH, else
    pip, for the runtime rather than this machine: --python-version, --implementation cp,
    wheels only, for manylinux platforms up to the runtime's glibc on --arch.
    Node.js: package.json is installed with npm ci --omit=dev (npm install without a
    lockfile) into nodejs/node_modules, for linux and --arch.
  - No code of the source runs and nothing outside it is read: npm runs with
    --ignore-scripts and without SRC's .npmrc (--use-npmrc); requirement lines that
    would build from source (--no-binary, -e, a local folder or sdist, a VCS or sdist
    URL) are refused with file:line unless --allow-sdist; only regular files and
    folders are copied: a symlink is an error (--follow-symlinks copies links that stay
    inside SRC), and /proc, /dev and /sys are never read.
  - The zip is deterministic: entries sorted, one timestamp (SOURCE_DATE_EPOCH, default
    1980-01-01), modes 0644/0755, no extra fields, no __pycache__ or *.pyc; the same input
    gives the same bytes. Its CodeSha256 (what Lambda reports) is printed.
  - The layer is checked before it is kept, as the only layer of a function of that runtime
    and architecture importing every module it provides (the rules of layerkit check, and
    Lambda's size limits). For Node.js, that function is an ES module importing each
    dependency of the layer's package.json (without one, each package in its NODE_PATH
    folders), so what they require in turn is checked too: a package that is not
    installed (LK101), an addon for another OS or machine (LK3xx), CommonJS in an ES
    module (LK107). Errors fail the build; warnings are shown.
  - The zip is written beside -o and renamed into place: a failed or interrupted build
    leaves the previous file, or none.

Exit status: 0 built; 1 the install or the check failed (no zip written); 2 a flag or the
input is wrong, or there is no pip, uv or npm to install with; 3 layerkit crashed (a bug); 130 interrupted.`,
		Example: `  layerkit build layers/shared -o build/shared.zip --runtime python3.12
  layerkit build layer -o layer.zip --runtime python3.13 --arch arm64 -r requirements.txt
  layerkit build layer -o layer.zip --runtime python3.12 --find-links wheels/ --no-index
  layerkit build layer -o layer.zip --runtime python3.12 --exclude boto3 --exclude botocore
  layerkit build node-layer -o node.zip --runtime nodejs20.x`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageError{"build takes one SRC folder (layerkit build SRC -o layer.zip --runtime python3.12)"}
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Src = args[0]
			return runBuild(s, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Out, "output", "o", "", "the zip to write (required)")
	f.StringVar(&o.Runtime, "runtime", "", "the Lambda runtime: python3.8 to python3.14, nodejs18.x to nodejs24.x (required)")
	f.StringVar(&o.Arch, "arch", "x86_64", "the functions' architecture: x86_64 or arm64")
	f.StringVarP(&o.Requirements, "requirements", "r", "", "requirements file to install (default SRC/requirements.txt when present)")
	f.StringArrayVar(&o.FindLinks, "find-links", nil, "look for wheels in this folder or URL too (pip/uv; repeatable)")
	f.BoolVar(&o.NoIndex, "no-index", false, "install only from --find-links (pip/uv), or npm --offline")
	f.BoolVar(&o.AllowSdist, "allow-sdist", false, "let pip/uv build source distributions, local folders and VCS checkouts: this RUNS THE PACKAGES' BUILD CODE (setup.py, build backends) on this machine, and builds for it (may not load on Lambda)")
	f.BoolVar(&o.FollowLinks, "follow-symlinks", false, "copy what a symlink in SRC points at when that is inside SRC (default: a symlink is an error; one leaving SRC always is)")
	f.BoolVar(&o.UseNpmrc, "use-npmrc", false, "use SRC's .npmrc (default: ignored, it can point npm at another registry or program)")
	f.StringSliceVar(&o.Exclude, "exclude", nil, "drop this installed distribution or npm package on purpose, e.g. boto3 (repeatable); Python keeps its .dist-info")
	f.StringVar(&o.Installer, "installer", "auto", "Python installer: auto (uv when on PATH, else pip), pip or uv")
	f.StringVar(&o.Python, "python", "", "the Python that runs pip (default python3)")
	f.StringSliceVar(&o.Ignore, "ignore", nil, "drop findings with this code from the check of the built layer (repeatable)")
	f.BoolVar(&o.NoVerify, "no-verify", false, "do not check the built layer")
	f.BoolVarP(&o.Verbose, "verbose", "v", false, "show the install command and the tool's output, and every package's size")
	f.StringVar(&o.Today, "today", "", "judge runtime deprecation as of this date (YYYY-MM-DD)")
	_ = f.MarkHidden("today")
	return cmd
}

func runBuild(s *IO, o *BuildOptions) error {
	if o.Out == "" {
		return usageError{"-o is required: the zip to write, e.g. -o layer.zip"}
	}
	if o.Runtime == "" {
		return usageError{"--runtime is required, e.g. --runtime python3.12"}
	}
	bo := layerbuild.Options{
		Src: o.Src, Out: o.Out, Runtime: o.Runtime, Arch: o.Arch, Requirements: o.Requirements,
		FindLinks: o.FindLinks, NoIndex: o.NoIndex, AllowSdist: o.AllowSdist, Installer: o.Installer,
		FollowSymlinks: o.FollowLinks, UseNpmrc: o.UseNpmrc,
		Python: o.Python, NoVerify: o.NoVerify, Verbose: o.Verbose, Log: report.Writer(s.Err),
	}
	if s.ErrTTY && s.Getenv("TERM") != "dumb" {
		bo.Progress = s.Err
	}
	bo.Exclude = splitList(o.Exclude)
	bo.Ignore = splitList(o.Ignore)
	if v := s.Getenv("SOURCE_DATE_EPOCH"); v != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return usageError{fmt.Sprintf("SOURCE_DATE_EPOCH=%q is not a number of seconds", v)}
		}
		bo.Modified = time.Unix(n, 0).UTC()
	}
	if o.Today != "" {
		t, err := time.Parse("2006-01-02", o.Today)
		if err != nil {
			return usageError{fmt.Sprintf("--today %q is not a date like 2026-11-22", o.Today)}
		}
		bo.Today = t
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := layerbuild.Run(ctx, bo)
	if res != nil {
		printBuild(s, o, res)
	}
	var ie *layerbuild.InputError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ie):
		fmt.Fprintf(report.Writer(s.Err), "layerkit: %s\n", ie.Msg)
		return exitError{ExitInput}
	case ctx.Err() != nil:
		fmt.Fprintf(s.Err, "layerkit: interrupted; no zip written\n")
		return exitError{exitInterrupted}
	case errors.Is(err, layerbuild.ErrVerify):
		fmt.Fprintf(report.Writer(s.Err), "layerkit: %s is not written: the built layer has errors (see above; --ignore CODE to accept one)\n", o.Out)
		return exitError{ExitFindings}
	}
	fmt.Fprintf(report.Writer(s.Err), "layerkit: build failed, no zip written: %s\n", err)
	return exitError{ExitFindings}
}

func splitList(in []string) []string {
	var out []string
	for _, c := range in {
		for _, part := range strings.Split(c, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// printBuild says what the build did: layout, install, exclusions, notes, sizes, the
// check's findings, and the zip with its CodeSha256.
func printBuild(s *IO, o *BuildOptions, r *layerbuild.Result) {
	w := report.Writer(s.Out)
	fmt.Fprintf(w, "layerkit build %s → %s (%s, %s)\n", o.Src, o.Out, r.Runtime, r.Arch)
	switch {
	case r.Prefix == "" && strings.HasPrefix(r.Runtime, "python"):
		fmt.Fprintf(w, "  layout: %s already has python/: kept as is\n", o.Src)
	case r.Prefix == "":
		fmt.Fprintf(w, "  layout: %s already has nodejs/: kept as is\n", o.Src)
	default:
		fmt.Fprintf(w, "  layout: %s under %s\n", o.Src, r.Prefix)
	}
	if r.Requirements != "" && r.Tool != "" {
		target := ""
		if r.Target != "" {
			target = " for " + r.Target
		}
		fmt.Fprintf(w, "  installed: %s with %s%s\n", r.Requirements, r.Tool, target)
		if o.Verbose && len(r.Command) > 0 {
			fmt.Fprintf(w, "  command: %s\n", r.CommandLine())
		}
	}
	for _, ex := range r.Excluded {
		kept := ""
		if ex.KeptDir != "" {
			kept = "; kept " + ex.KeptDir
		}
		fmt.Fprintf(w, "  excluded: %s (%d files, %s%s)\n", ex.Name, ex.Files, bytesize.Format(ex.Size), kept)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "  warning: %s\n", n)
	}
	if len(r.Packages) > 0 {
		n := len(r.Packages)
		if !o.Verbose && n > 5 {
			n = 5
		}
		if n < len(r.Packages) {
			fmt.Fprintf(w, "  largest packages (%d of %d; -v for all):\n", n, len(r.Packages))
		} else {
			fmt.Fprintf(w, "  packages:\n")
		}
		for _, p := range r.Packages[:n] {
			fmt.Fprintf(w, "    %-32s %10s  %4d file(s)\n", p.Name, bytesize.Format(p.Size), p.Files)
		}
	}
	if r.Verified {
		var errs, warns, infos int
		for _, f := range r.Findings {
			switch f.Severity {
			case model.Error:
				errs++
			case model.Warning:
				warns++
			default:
				infos++
			}
		}
		if len(r.Findings) == 0 {
			fmt.Fprintf(w, "  checked as a layer of a %s %s function: ok\n", r.Runtime, r.Arch)
		} else {
			fmt.Fprintf(w, "  checked as a layer of a %s %s function: %s, %s, %s\n", r.Runtime, r.Arch,
				plural(errs, "error"), plural(warns, "warning"), plural(infos, "info"))
		}
		for _, f := range r.Findings {
			loc := f.Pos.File
			if f.Pos.Line > 0 {
				loc = fmt.Sprintf("%s:%d", loc, f.Pos.Line)
			}
			fmt.Fprintf(w, "    %s: %s %s %s\n      %s\n", loc, f.Severity, f.Code, f.Code.Name(), f.Message)
			if f.Hint != "" {
				fmt.Fprintf(w, "      fix: %s\n", f.Hint)
			}
		}
	}
	if r.SHA256 != "" {
		fmt.Fprintf(w, "  size: %s unzipped in %d files (%.1f%% of the 250 MiB for a function and its layers), %s zipped\n",
			bytesize.Format(r.Size), r.Files, float64(r.Size)*100/layerbuild.MaxUnzipped, bytesize.Format(r.Zipped))
	}
	if r.Written {
		fmt.Fprintf(w, "wrote %s\n", o.Out)
		fmt.Fprintf(w, "CodeSha256: %s\n", r.SHA256)
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
