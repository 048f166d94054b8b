package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/cobra"

	"github.com/layerkit/layerkit/internal/baseline"
	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/config"
	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/report"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// configOptions are check's flags for the configuration file, inline ignores and the
// baseline (docs: README "Configure").
type configOptions struct {
	File          string // --config
	Isolated      bool
	ReportUnused  bool
	Baseline      string
	WriteBaseline bool
	// changed reports whether a flag was given on the command line (flags win over
	// the file); set by the command.
	changed func(name string) bool
}

func (c *configOptions) flags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&c.File, "config", "", "read the configuration from this file (a .layerkit.toml, or a pyproject.toml's [tool.layerkit]) instead of the nearest one above PATH")
	f.BoolVar(&c.Isolated, "isolated", false, "read no configuration file")
	f.BoolVar(&c.ReportUnused, "report-unused-ignores", false, "report inline ignores that suppress nothing (LK110)")
	f.StringVar(&c.Baseline, "baseline", "", "report only findings not recorded in this baseline file")
	f.BoolVar(&c.WriteBaseline, "write-baseline", false, "record today's findings in the --baseline file and exit 0")
	c.changed = func(name string) bool { return cmd.Flags().Changed(name) }
}

// pathRun is the check of one PATH: the configuration that applies to it, the options
// it runs with and the --fail-on level its findings are judged against.
type pathRun struct {
	cfg    *config.Config // nil: none
	opts   check.Options
	flags  config.Flags
	failOn string
}

// load reads the configuration of each PATH — the nearest one above it (a configuration
// file holds for the folder it is in and those below), or --config's for all, or none
// with --isolated — and merges it with the flags into each PATH's options. A flag
// given on the command line wins over the file.
func (c *configOptions) load(paths []string, opts check.Options, fl config.Flags, failOn string, lim iac.Limits) ([]*pathRun, error) {
	if c.Isolated && c.File != "" {
		return nil, usageError{"--config and --isolated exclude each other"}
	}
	if c.WriteBaseline && c.Baseline == "" {
		return nil, usageError{"--write-baseline needs --baseline FILE (where to write it)"}
	}
	var named *config.Config
	if c.File != "" && !c.Isolated {
		var err error
		if named, err = config.Load(c.File, lim); err != nil {
			return nil, err
		}
	}
	var runs []*pathRun
	for _, p := range paths {
		run := &pathRun{opts: opts, flags: fl, failOn: failOn}
		run.opts.Path = p
		run.opts.Exclude = slices.Clone(opts.Exclude)
		run.opts.ReportUnusedIgnores = c.ReportUnused
		base, err := checkedFolder(p, opts.Artifacts != nil)
		if err != nil {
			return nil, err
		}
		switch {
		case c.Isolated:
		case named != nil:
			run.cfg = named
		default:
			if run.cfg, err = config.Find(base, lim); err != nil {
				return nil, err
			}
		}
		if cfg := run.cfg; cfg != nil {
			if cfg.FailOn != "" && !c.changed("fail-on") {
				run.failOn = cfg.FailOn
			}
			if !cfg.Today.IsZero() && run.opts.Today.IsZero() {
				run.opts.Today = cfg.Today
			}
			if cfg.ReportUnusedIgnores != nil && !c.changed("report-unused-ignores") {
				run.opts.ReportUnusedIgnores = *cfg.ReportUnusedIgnores
			}
			run.opts.Exclude = append(run.opts.Exclude, cfg.Excludes(base)...)
		}
		runs = append(runs, run)
	}
	return runs, nil
}

// codeStrings are codes as check.Options takes them.
func codeStrings(codes []rulecode.Code) []string {
	var out []string
	for _, c := range codes {
		out = append(out, c.String())
	}
	return out
}

// checkedFolder is the folder (absolute) a configuration is looked for from: PATH, or
// its folder when PATH is a file; the current folder for plain artifacts.
func checkedFolder(p string, artifacts bool) (string, error) {
	if p == "" || artifacts {
		p = "."
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	if st, err := os.Stat(abs); err == nil && !st.IsDir() {
		abs = filepath.Dir(abs)
	}
	return abs, nil
}

// errBaselineWritten stops check after --write-baseline (exit 0, no report).
var errBaselineWritten = errors.New("baseline written")

// filter applies each PATH's policy (its configuration merged with the flags) to its
// findings (results[i] is runs[i]'s), then the baseline: only new findings remain.
// fails reports whether a finding left is at or above its PATH's --fail-on. With
// --write-baseline it records the findings instead and returns errBaselineWritten.
func (c *configOptions) filter(s *IO, runs []*pathRun, results []*check.Result, lim iac.Limits) (fails bool, err error) {
	for i, r := range results {
		r.Findings = config.Merge(runs[i].cfg, runs[i].flags, r.Root).Apply(r.Findings)
	}
	if c.Baseline != "" {
		if err := c.baseline(s, results, lim); err != nil {
			return false, err
		}
	}
	for i, r := range results {
		if failOn(runs[i].failOn, r.Findings) != nil {
			fails = true
		}
	}
	return fails, nil
}

// baseline records the findings in --baseline (--write-baseline), or drops those it
// records. A finding's file is fingerprinted relative to the baseline file's folder, so
// the baseline matches from any current folder, in every format, whichever PATHs name
// the code.
func (c *configOptions) baseline(s *IO, results []*check.Result, lim iac.Limits) error {
	abs, err := filepath.Abs(c.Baseline)
	if err != nil {
		return err
	}
	dir := filepath.Dir(abs)
	var keyed []finding.Finding
	for _, r := range results {
		cp := slices.Clone(r.Findings)
		newRelocator(r.Root, dir, map[string]bool{}).findings(cp)
		keyed = append(keyed, cp...)
	}
	if c.WriteBaseline {
		b := baseline.Make(keyed)
		if err := writeFileAtomic("--baseline", c.Baseline, func(w io.Writer) error { return baseline.Write(w, b) }); err != nil {
			return err
		}
		fmt.Fprintf(report.Writer(s.Err), "layerkit: wrote %s: %d finding(s) recorded; later checks with --baseline %s report only new ones\n", c.Baseline, len(keyed), c.Baseline)
		return errBaselineWritten
	}
	b, err := baseline.Read(c.Baseline, lim)
	if err != nil {
		return err
	}
	keep, stale := baseline.Filter(b, keyed)
	n := 0
	for _, r := range results {
		out := r.Findings[:0]
		for _, f := range r.Findings {
			if keep[n] {
				out = append(out, f)
			}
			n++
		}
		r.Findings = out
	}
	if stale > 0 {
		fmt.Fprintf(report.Writer(s.Err), "layerkit: %s\n", baseline.StaleMessage(stale, c.Baseline))
	}
	return nil
}
