package cli

import (
	"fmt"
	"path"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/iac/artifacts"
	"github.com/layerkit/layerkit/internal/iac/terraform"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/report"
	"github.com/layerkit/layerkit/internal/rules"
)

// CheckOptions are the flags of `layerkit check`.
type CheckOptions struct {
	Path      string
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
	Cfg       configOptions

	FunctionZip string
	Handler     string
	Runtime     string
	Arch        string
	Layers      []string
}

func newCheckCmd(s *IO) *cobra.Command {
	o := &CheckOptions{}
	cmd := &cobra.Command{
		Use:   "check [PATH]",
		Short: "Check that every function's imports resolve on Lambda",
		Long: `Check reads PATH — a project folder, a template file, .aws-sam/build, cdk.out, a Terraform
folder or serverless.yml — and reports, for every function, the imports that will not resolve
on its Lambda runtime with its package and layers, with the file and line and the fix.

In a folder it finds every IaC root in it and below it — template.yaml|yml|json and other
templates with Lambda resources (preferring .aws-sam/build/template.yaml when the app was
built), cdk.out, Terraform root modules and serverless.yml — and checks every one it finds,
naming each. It skips node_modules, virtualenvs, vendored packages, hidden folders (.git,
.terraform, .serverless, ...) and what --exclude matches.

Plain artifacts, for any other tool:
  layerkit check --function-zip app.zip --handler app.handler --runtime python3.12 \
      [--arch arm64] --layer deps.zip --layer shared/

Exit status: 0 when no finding is at or above --fail-on, 1 when one is, 2 when the
input cannot be read or a flag is wrong, 3 when layerkit crashed (a bug).`,
		Example: `  layerkit check .
  layerkit check template.yaml --format json
  layerkit check . --function OrdersFunction --ignore LK405`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Path = args[0]
			}
			return runCheck(s, o)
		},
	}
	f := cmd.Flags()
	f.StringVarP(&o.Format, "format", "f", "text", "output format: text, json, sarif, github")
	f.StringVar(&o.FailOn, "fail-on", "error", "exit 1 when a finding is at or above: error, warning, info, never")
	f.StringSliceVar(&o.Functions, "function", nil, "check only this function (repeatable)")
	f.StringSliceVar(&o.Ignore, "ignore", nil, "drop findings with this code (repeatable, comma-separated)")
	f.StringVar(&o.Kind, "kind", "", "force the input kind: sam, cdk, terraform, serverless")
	f.StringVar(&o.Template, "template", "", "the template file to use inside PATH")
	f.BoolVar(&o.Source, "source", false, "check a SAM app's source template as sam build will build it, even when .aws-sam/build exists")
	f.StringArrayVar(&o.Exclude, "exclude", nil, "skip files and folders matching this glob when looking for IaC roots, e.g. examples or 'services/legacy*' (repeatable)")
	f.StringVar(&o.Today, "today", "", "judge runtime deprecation as of this date (YYYY-MM-DD)")
	f.BoolVarP(&o.Quiet, "quiet", "q", false, "print nothing when there is no finding (text format)")
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
	if err := validReport(o.Format, o.FailOn); err != nil {
		return err
	}
	opts := check.Options{Path: o.Path, Kind: o.Kind, Template: o.Template, Exclude: o.Exclude, Source: o.Source, Functions: o.Functions, Ignore: splitList(o.Ignore)}
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
		if o.Path != "" {
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
	if err := o.Cfg.apply(o, &opts); err != nil {
		return err
	}
	terraform.SetVarFiles(o.VarFiles)
	defer terraform.SetVarFiles(nil)
	var res *check.Result
	err := o.Limits.run(func() error {
		var err error
		res, err = check.Run(opts)
		return err
	})
	if err != nil {
		return err
	}
	if err := o.Cfg.filter(s, res); err != nil {
		if err == errBaselineWritten {
			return nil
		}
		return err
	}
	in := report.Input{Findings: res.Findings, Checked: res.Checked, Roots: res.Roots, Color: s.ColorEnabled() && o.Format == "text", Version: Version}
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
		fmt.Fprintf(errw, "layerkit: %s\n", f)
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
	if err := writeReport(s, o.Format, o.Quiet, in); err != nil {
		return err
	}
	if len(res.Failed) > 0 {
		fmt.Fprintf(s.Err, "layerkit: %d IaC root(s) could not be read; the others were checked\n", len(res.Failed))
		return exitError{ExitInput}
	}
	return failOn(o.FailOn, res.Findings)
}

// countChecked fills the counts of functions whose imports were checked and not.
func countChecked(s report.Summary, analyses []*rules.Function) report.Summary {
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
func writeReport(s *IO, format string, quiet bool, in report.Input) error {
	if quiet && format == "text" && len(in.Findings) == 0 {
		return nil
	}
	in.Rules = catalogue()
	return report.Write(s.Out, format, in)
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
