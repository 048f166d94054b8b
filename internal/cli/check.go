package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/config"
	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/artifacts"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/report"
)

// CheckOptions are the flags of `layerkit check`.
type CheckOptions struct {
	// Paths are the PATH arguments: none means the current folder.
	Paths     []string
	Format    string
	FailOn    string
	Functions []string
	Ignore    []string
	Kind      string
	Template  string
	Exclude   []string
	Source    bool
	Today     string
	Quiet     bool
	VarFiles  []string
	Limits    Limits
	// Select keeps only findings of these rules (codes, names or code prefixes).
	Select     []string
	Statistics bool
	OutputFile string
	Color      string
	Cfg        configOptions

	// Fix writes the safe fixes (and the unsafe ones with UnsafeFixes), then checks
	// again; Diff prints them as a unified diff and writes nothing.
	Fix, Diff, UnsafeFixes bool

	FunctionZip string
	Handler     string
	Runtime     string
	Arch        string
	Layers      []string
}

func newCheckCmd(s *IO) *cobra.Command {
	o := &CheckOptions{}
	cmd := &cobra.Command{
		Use:   "check [PATH...]",
		Short: "Check that every function's imports resolve on Lambda",
		Long: `Check reads PATH — a project folder, a template file, .aws-sam/build, cdk.out, a Terraform
folder or serverless.yml — and reports, for every function, the imports that will not resolve
on its Lambda runtime with its package and layers, with the file and line and the fix.

In a folder it finds every IaC root in it and below it — template.yaml|yml|json and other
templates with Lambda resources (preferring .aws-sam/build/template.yaml when the app was
built), cdk.out, Terraform root modules and serverless.yml — and checks every one it finds,
naming each. It skips node_modules, virtualenvs, vendored packages, hidden folders (.git,
.terraform, .serverless, ...) and what --exclude matches.

Several PATHs are checked in one run, their findings merged. Paths in the text format are
relative to the current folder; in github and sarif, to the repository root (the nearest
folder with .git at or above PATH, else the current folder); in json, to PATH (to the
current folder when there are several).

Plain artifacts, for any other tool:
  layerkit check --function-zip app.zip --handler app.handler --runtime python3.12 \
      [--arch arm64] --layer deps.zip --layer shared/

Fixes: --diff prints, as a unified diff, what the fixes the findings carry would change
(exit 1 when there is something to fix) and writes nothing; --fix makes the changes, then
checks again and reports what remains. Safe fixes edit the bytes of a template or a Python
file at the place the finding names (comments, quoting and indentation stay); unsafe ones
(--unsafe-fixes) move files. A fix applies only to the content the check saw, nothing outside
PATH is written, and every write is atomic. "layerkit explain CODE" lists the fixes of a rule.

Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 when the
input cannot be read or a flag is wrong, 3 when layerkit crashed (a bug).`,
		Example: `  layerkit check .
  layerkit check template.yaml --format json
  layerkit check . --function OrdersFunction --ignore LK405
  layerkit check services/orders services/billing --select LK1 --statistics
  layerkit check . --format sarif --output-file layerkit.sarif
  layerkit check . --diff
  layerkit check . --fix --unsafe-fixes`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Paths = args
			return runCheck(s, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Format, "format", "f", "text", "output format: text, json, sarif, github, html (a self-contained page: map, sizes, findings), dot, mermaid (the function → layer → module graph)")
	f.StringVar(&o.FailOn, "fail-on", "error", "exit 1 when a finding is at or above: error, warning, info, never")
	f.StringSliceVar(&o.Functions, "function", nil, "check only this function (repeatable)")
	f.StringSliceVar(&o.Ignore, "ignore", nil, "drop findings of this rule: a code, a name or a code prefix like LK4 (repeatable, comma-separated)")
	f.StringSliceVar(&o.Select, "select", nil, "report only findings of this rule: a code, a name or a code prefix like LK1 (repeatable, comma-separated)")
	f.BoolVar(&o.Statistics, "statistics", false, "count findings per rule (text: instead of the findings; other formats: on stderr)")
	f.StringVarP(&o.OutputFile, "output-file", "o", "", "write the report to FILE (replaced whole, never half-written) instead of stdout")
	f.StringVar(&o.Color, "color", "auto", "colour the text format: auto (on a terminal, unless NO_COLOR; FORCE_COLOR forces), always, never")
	f.StringVar(&o.Kind, "kind", "", "force the input kind: sam, cdk, terraform, serverless")
	f.StringVar(&o.Template, "template", "", "the template file to use inside PATH")
	f.BoolVar(&o.Source, "source", false, "check a SAM app's source template as sam build will build it, even when .aws-sam/build exists")
	f.StringArrayVar(&o.Exclude, "exclude", nil, "skip files and folders matching this glob when looking for IaC roots, e.g. examples or 'services/legacy*' (repeatable)")
	f.StringVar(&o.Today, "today", "", "judge runtime deprecation as of this date (YYYY-MM-DD)")
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "print nothing when there is no finding (text format)")
	f.BoolVar(&o.Fix, "fix", false, "apply the safe fixes the findings carry, then check again and report what remains")
	f.BoolVar(&o.Diff, "diff", false, "print the fixes as a unified diff and write nothing (exit 1 when there is something to fix)")
	f.BoolVar(&o.UnsafeFixes, "unsafe-fixes", false, "with --fix or --diff: the unsafe fixes too (file moves)")
	f.StringVar(&o.FunctionZip, "function-zip", "", "check a function package (zip or folder) instead of PATH")
	f.StringVar(&o.Handler, "handler", "", "with --function-zip: the Handler, e.g. app.handler")
	f.StringVar(&o.Runtime, "runtime", "", "with --function-zip: the runtime, e.g. python3.12")
	f.StringVar(&o.Arch, "arch", "x86_64", "with --function-zip: x86_64 or arm64")
	f.StringArrayVar(&o.Layers, "layer", nil, "with --function-zip: a layer zip or folder, in order (repeatable)")
	f.StringArrayVar(&o.VarFiles, "var-file", nil, "a Terraform variable file (as terraform's -var-file) read after terraform.tfvars and *.auto.tfvars (repeatable; later ones win)")
	_ = f.MarkHidden("today")
	o.Limits.flags(cmd)
	o.Cfg.flags(cmd)
	return cmd
}

func runCheck(s *IO, o *CheckOptions) error {
	if err := validCheckReport(o.Format, o.FailOn); err != nil {
		return err
	}
	color, err := colorFor(s, o.Color, o.Format, o.OutputFile)
	if err != nil {
		return err
	}
	ignore, err := ruleCodes("ignore", splitList(o.Ignore))
	if err != nil {
		return err
	}
	selected, err := ruleCodes("select", splitList(o.Select))
	if err != nil {
		return err
	}
	opts := check.Options{Kind: o.Kind, Template: o.Template, Exclude: o.Exclude, Source: o.Source, Functions: o.Functions, Ignore: codeStrings(ignore),
		KeepAnalyses: slices.Contains(pictureFormats, o.Format)}
	for _, g := range o.Exclude {
		if _, err := path.Match(g, ""); err != nil {
			return usageError{fmt.Sprintf("--exclude %q is not a valid glob: %v", g, err)}
		}
	}
	switch o.Kind {
	case "", "sam", "cloudformation", "cdk", "terraform", "serverless":
	default:
		return usageError{fmt.Sprintf("unknown --kind %q (want sam, cdk, terraform or serverless)", o.Kind)}
	}
	if err := parseToday(o.Today, &opts); err != nil {
		return err
	}
	if o.FunctionZip != "" {
		if len(o.Paths) > 0 {
			return usageError{"give either PATH or --function-zip, not both"}
		}
		if o.Handler == "" || o.Runtime == "" {
			return usageError{"--function-zip needs --handler and --runtime"}
		}
		if o.Arch != "x86_64" && o.Arch != "arm64" {
			return usageError{fmt.Sprintf("--arch %q: want x86_64 or arm64", o.Arch)}
		}
		opts.Artifacts = &artifacts.Spec{FunctionZip: o.FunctionZip, Handler: o.Handler, Runtime: o.Runtime, Arch: o.Arch, Layers: o.Layers}
	} else if len(o.Layers) > 0 || o.Handler != "" || o.Runtime != "" {
		return usageError{"--layer, --handler and --runtime go with --function-zip"}
	}
	if len(o.Paths) > 1 && (o.Template != "") {
		return usageError{"--template goes with one PATH"}
	}
	paths := o.Paths
	if len(paths) == 0 {
		paths = []string{""}
	}
	if o.UnsafeFixes && !o.Fix && !o.Diff {
		return usageError{"--unsafe-fixes goes with --fix or --diff"}
	}
	fl := config.Flags{Ignore: ignore, Select: selected}
	var runs []*pathRun
	var limits iac.Limits
	runAll := func() ([]*check.Result, error) {
		var results []*check.Result
		err := o.Limits.runContext(context.Background(), func(ctx context.Context, lim iac.Limits) error {
			limits = lim
			if runs == nil { // the configuration of each PATH, read once
				var err error
				if runs, err = o.Cfg.load(paths, opts, fl, o.FailOn, lim); err != nil {
					return err
				}
			}
			for _, run := range runs {
				run.opts.Load = iac.Options{Limits: lim, VarFiles: o.VarFiles}
				res, err := check.Run(ctx, run.opts)
				if err != nil {
					return err
				}
				results = append(results, res)
			}
			return nil
		})
		return results, err
	}
	results, err := runAll()
	if err != nil {
		return err
	}
	// Fixes are planned from the findings the configuration keeps (an ignored or
	// suppressed finding is not fixed); the report filters the last check's own results.
	fixable := func(results []*check.Result) []*check.Result {
		out := make([]*check.Result, len(results))
		for i, r := range results {
			cp := *r
			cp.Findings = config.Merge(runs[i].cfg, runs[i].flags, r.Root).Apply(slices.Clone(r.Findings))
			out[i] = &cp
		}
		return out
	}
	if o.Diff {
		return diffFixes(s, o, fixable(results), codeStrings(selected))
	}
	if o.Fix {
		again := func() ([]*check.Result, error) {
			r, err := runAll()
			if err == nil {
				results = r
			}
			return fixable(r), err
		}
		if _, err = applyFixes(s, o, fixable(results), codeStrings(selected), again); err != nil {
			return err
		}
	}
	var names []string
	for _, r := range results {
		names = append(names, r.Names...)
	}
	if err := checkFunctions(o.Functions, names); err != nil {
		return err
	}
	fails, err := o.Cfg.filter(s, runs, results, limits)
	if err != nil {
		if err != errBaselineWritten {
			return err
		}
		// Written; an IaC root that could not be read has no findings in it, so the
		// baseline is incomplete: say which, and exit 2.
		var failed []*iac.InputError
		for _, r := range results {
			failed = append(failed, r.Failed...)
		}
		for _, f := range failed {
			fmt.Fprintf(report.Writer(s.Err), "layerkit: %s\n", inputErrorText(f))
		}
		if len(failed) > 0 {
			fmt.Fprintf(s.Err, "layerkit: %d IaC root(s) could not be read; the baseline has none of their findings\n", len(failed))
			return exitError{ExitInput}
		}
		return nil
	}
	res, archives := mergeResults(paths, results, o.Format)
	in := report.Input{Findings: res.Findings, Checked: res.Checked, Roots: res.Roots, Color: color, Version: Version,
		InfoURI: infoURI(), Archives: archives}
	if o.Format == "text" && o.OutputFile == "" && s.OutTTY {
		in.Width = s.Width
	}
	in.Summary = report.Count(countChecked(report.Summary{Functions: res.Functions, Layers: res.Layers}, res.Analyses), res.Findings)
	for _, a := range res.Analyses {
		fl := report.FunctionLine{Name: a.Fn.Name, Kind: a.Fn.Kind, Runtime: a.Fn.Runtime, Arch: a.Fn.Arch, Skipped: a.Skip}
		if fl.Arch == "" {
			fl.Arch = "x86_64"
		}
		for _, l := range a.Fn.Layers {
			switch {
			case l.Layer != nil:
				fl.Layers = append(fl.Layers, l.Layer.Name)
			case l.ARN != "":
				fl.Layers = append(fl.Layers, l.ARN)
			default:
				fl.Layers = append(fl.Layers, l.Text)
			}
		}
		in.Functions = append(in.Functions, fl)
	}
	errw := report.Writer(s.Err)
	for _, n := range res.Notes {
		fmt.Fprintf(errw, "layerkit: %s\n", n)
	}
	for _, f := range res.Failed {
		fmt.Fprintf(errw, "layerkit: %s\n", inputErrorText(f))
	}
	switch {
	case o.Format == "text":
	case len(res.Roots) > 0:
		for _, r := range res.Roots {
			fmt.Fprintf(errw, "layerkit: checked %s\n", r)
		}
	case res.Checked != "":
		fmt.Fprintf(errw, "layerkit: checked %s\n", res.Checked)
	}
	if err := writeCheckReport(s, o, in, res); err != nil {
		return err
	}
	if len(res.Failed) > 0 {
		fmt.Fprintf(s.Err, "layerkit: %d IaC root(s) could not be read; the others were checked\n", len(res.Failed))
		return exitError{ExitInput}
	}
	if fails {
		return exitError{ExitFindings}
	}
	return nil
}

// mergeResults makes one result of the runs over paths (results[i] read paths[i]), each
// finding's path relative to the folder format wants (paths.go); archives collects the
// rewritten paths that are zips.
func mergeResults(paths []string, results []*check.Result, format string) (*check.Result, map[string]bool) {
	archives := map[string]bool{}
	several := len(results) > 1
	out := &check.Result{}
	qualifyAcross(paths, results)
	for i, r := range results {
		newRelocator(r.Root, pathBase(format, r.Root, several), archives).findings(r.Findings)
		if several {
			out.Findings = append(out.Findings, r.Findings...)
		} else {
			out.Findings = r.Findings // one PATH: its findings, not a copy
		}
		out.Analyses = append(out.Analyses, r.Analyses...)
		out.Functions += r.Functions
		out.Layers += r.Layers
		out.Notes = append(out.Notes, r.Notes...)
		out.Failed = append(out.Failed, r.Failed...)
		if !several {
			out.Checked, out.Roots = r.Checked, r.Roots
			continue
		}
		name := paths[i]
		if len(r.Roots) == 0 {
			out.Roots = append(out.Roots, name+": "+r.Checked)
		}
		for _, root := range r.Roots {
			out.Roots = append(out.Roots, name+": "+root)
		}
	}
	if several {
		finding.Sort(out.Findings)
	}
	return out, archives
}

// qualifyAcross tells apart functions of one name checked from different PATHs (two
// apps with a HelloWorldFunction): each is named after its PATH, "services/orders/
// HelloWorldFunction", in its findings too, as check does for IaC roots in one PATH.
func qualifyAcross(paths []string, results []*check.Result) {
	if len(results) < 2 {
		return
	}
	count := map[string]int{}
	for _, r := range results {
		seen := map[string]bool{}
		for _, a := range r.Analyses {
			if !seen[a.Fn.Name] {
				seen[a.Fn.Name] = true
				count[a.Fn.Name]++
			}
		}
	}
	for i, r := range results {
		prefix := strings.TrimSuffix(filepath.ToSlash(paths[i]), "/") + "/"
		for _, a := range r.Analyses {
			if count[a.Fn.Name] > 1 {
				a.Fn.Name = prefix + a.Fn.Name
			}
		}
		for j, f := range r.Findings {
			if f.Function != "" && count[f.Function] > 1 {
				r.Findings[j].Function = prefix + f.Function
			}
		}
	}
}

// writeCheckReport writes check's report to stdout or --output-file, and --statistics.
func writeCheckReport(s *IO, o *CheckOptions, in report.Input, res *check.Result) error {
	write := func(w io.Writer) error {
		if slices.Contains(pictureFormats, o.Format) {
			return writePicture(w, o.Format, res, in, o.Limits.caps())
		}
		if o.Statistics && o.Format == "text" {
			if o.Quiet && len(in.Findings) == 0 {
				return nil
			}
			return report.WriteStatistics(w, in)
		}
		return writeReport(w, o.Format, o.Quiet, in)
	}
	if o.Statistics && o.Format != "text" {
		defer report.WriteStatistics(report.Writer(s.Err), in)
	}
	if o.OutputFile == "" {
		return write(s.Out)
	}
	return writeFileAtomic("--output-file", o.OutputFile, write)
}

// writeFileAtomic writes name (the value of flag) through a temporary file in its folder
// renamed over it: a reader never sees half a file, and a failed run leaves the old one.
func writeFileAtomic(flag, name string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return usageError{fmt.Sprintf("%s %s: %v", flag, name, err)}
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), name); err != nil {
		return usageError{fmt.Sprintf("%s %s: %v", flag, name, err)}
	}
	return nil
}

// colorFor decides colour for the text format from --color and the environment:
// always and never win; auto colours on a terminal unless NO_COLOR is set or TERM is
// dumb, and FORCE_COLOR (or CLICOLOR_FORCE) forces it; a report to a file has none.
func colorFor(s *IO, flag, format, outputFile string) (bool, error) {
	switch flag {
	case "always":
		return format == "text", nil
	case "never":
		return false, nil
	case "auto", "":
	default:
		return false, usageError{fmt.Sprintf("unknown --color %q (want auto, always or never)", flag)}
	}
	if format != "text" || outputFile != "" {
		return false, nil
	}
	return s.ColorEnabled(), nil
}

// infoURI is the repository's web page, from the module path Go recorded
// (github.com/layerkit/layerkit: https://github.com/layerkit/layerkit).
func infoURI() string {
	p := "github.com/layerkit/layerkit"
	if bi := readBuildInfo(); bi != nil && strings.Count(bi.Main.Path, "/") >= 2 {
		p = bi.Main.Path
	}
	if parts := strings.Split(p, "/"); len(parts) > 3 {
		p = strings.Join(parts[:3], "/") // github.com/owner/repo of github.com/owner/repo/v2
	}
	return "https://" + p
}

// countChecked fills the counts of functions whose imports were checked and not.
func countChecked(s report.Summary, analyses []*check.Function) report.Summary {
	for _, a := range analyses {
		if a.Skip != "" {
			s.Unchecked++
		} else {
			s.Checked++
		}
	}
	return s
}

// validReport checks --format and --fail-on (check and doctor).
func validReport(format, failOn string) error {
	if !slices.Contains(report.Formats, format) {
		return usageError{fmt.Sprintf("unknown --format %q (want text, json, sarif or github)", format)}
	}
	if _, ok := failThreshold(failOn); !ok {
		return usageError{fmt.Sprintf("unknown --fail-on %q (want error, warning, info or never)", failOn)}
	}
	return nil
}

// parseToday sets opts.Today from --today, when given.
func parseToday(today string, opts *check.Options) error {
	if today == "" {
		return nil
	}
	t, err := time.Parse("2006-01-02", today)
	if err != nil {
		return usageError{fmt.Sprintf("--today %q is not a date like 2026-11-22", today)}
	}
	opts.Today = t
	return nil
}

// writeReport writes in in format; --quiet writes nothing for a clean text report.
func writeReport(w io.Writer, format string, quiet bool, in report.Input) error {
	if quiet && format == "text" && len(in.Findings) == 0 {
		return nil
	}
	in.Rules = catalogue()
	return report.Write(w, format, in)
}

// failOn is the exit for findings under --fail-on (checked by validReport).
func failOn(flag string, findings []finding.Finding) error {
	threshold, _ := failThreshold(flag)
	for _, f := range findings {
		if threshold >= 0 && int(f.Severity) >= threshold {
			return exitError{ExitFindings}
		}
	}
	return nil
}

// failThreshold maps --fail-on to the lowest severity that fails (-1: never).
func failThreshold(s string) (int, bool) {
	switch s {
	case "error":
		return int(model.Error), true
	case "warning":
		return int(model.Warning), true
	case "info":
		return int(model.Info), true
	case "never":
		return -1, true
	}
	return 0, false
}
