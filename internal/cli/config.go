package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/layerkit/layerkit/internal/baseline"
	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/config"
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
	policy  *config.Policy
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

// apply reads the configuration for o.Path (unless --isolated) and merges it with the
// flags into opts, o.FailOn and the policy filter uses.
func (c *configOptions) apply(o *CheckOptions, opts *check.Options) error {
	if c.Isolated && c.File != "" {
		return usageError{"--config and --isolated exclude each other"}
	}
	if c.WriteBaseline && c.Baseline == "" {
		return usageError{"--write-baseline needs --baseline FILE (where to write it)"}
	}
	base, err := checkedFolder(o.Path, opts.Artifacts != nil)
	if err != nil {
		return err
	}
	var cfg *config.Config
	switch {
	case c.Isolated:
	case c.File != "":
		cfg, err = config.Load(c.File)
	default:
		cfg, err = config.Find(base)
	}
	if err != nil {
		return err
	}
	var fl config.Flags
	for _, s := range o.Ignore {
		if code, ok := rulecode.Parse(s); ok {
			fl.Ignore = append(fl.Ignore, code)
		}
	}
	opts.ReportUnusedIgnores = c.ReportUnused
	if cfg != nil {
		if cfg.FailOn != "" && !c.changed("fail-on") {
			o.FailOn = cfg.FailOn
		}
		if !cfg.Today.IsZero() && opts.Today.IsZero() {
			opts.Today = cfg.Today
		}
		if cfg.ReportUnusedIgnores != nil && !c.changed("report-unused-ignores") {
			opts.ReportUnusedIgnores = *cfg.ReportUnusedIgnores
		}
		opts.Exclude = append(opts.Exclude, cfg.Excludes(base)...)
	}
	c.policy = config.Merge(cfg, fl, base)
	return nil
}

// checkedFolder is the folder (absolute) findings' paths are relative to: PATH, or its
// folder when PATH is a file; the current folder for plain artifacts.
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

// filter applies the policy to res's findings, then the baseline: only new findings
// remain. With --write-baseline it records them instead and returns errBaselineWritten.
func (c *configOptions) filter(s *IO, res *check.Result) error {
	if c.policy != nil {
		res.Findings = c.policy.Apply(res.Findings)
	}
	if c.Baseline == "" {
		return nil
	}
	if c.WriteBaseline {
		b := baseline.Make(res.Findings)
		if err := baseline.Write(c.Baseline, b); err != nil {
			return fmt.Errorf("--write-baseline: %v", err)
		}
		fmt.Fprintf(report.Writer(s.Err), "layerkit: wrote %s: %d finding(s) recorded; later checks with --baseline %s report only new ones\n", c.Baseline, len(res.Findings), c.Baseline)
		return errBaselineWritten
	}
	b, err := baseline.Read(c.Baseline)
	if err != nil {
		return err
	}
	fresh, stale := baseline.Filter(b, res.Findings)
	res.Findings = fresh
	if stale > 0 {
		fmt.Fprintf(report.Writer(s.Err), "layerkit: %s\n", baseline.StaleMessage(stale, c.Baseline))
	}
	return nil
}
