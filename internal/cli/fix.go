package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/layerkit/layerkit/internal/check"
	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/fix"
	"github.com/layerkit/layerkit/internal/report"
)

// maxFixRounds bounds --fix: a fix may make another finding fixable (a layer given a
// BuildMethod, then an import by the wrong name into it), so --fix checks and fixes
// again until nothing changes, at most this many times.
const maxFixRounds = 4

// plans works out the fixes of each result's findings (those --select keeps).
func plans(o *CheckOptions, results []*check.Result, selected []string) ([]*fix.Plan, error) {
	var out []*fix.Plan
	for _, r := range results {
		fs := r.Findings
		if len(selected) > 0 {
			fs = slices.DeleteFunc(slices.Clone(fs), func(f finding.Finding) bool { return !slices.Contains(selected, f.Code.String()) })
		}
		if r.Root == "" {
			continue
		}
		p, err := fix.Prepare(r.Root, fs, o.UnsafeFixes)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// diffFixes is check --diff: the fixes as a unified diff on stdout, what they resolve on
// stderr; exit 1 when there is something to fix.
func diffFixes(s *IO, o *CheckOptions, results []*check.Result, selected []string) error {
	ps, err := plans(o, results, selected)
	if err != nil {
		return err
	}
	changes := false
	for _, p := range ps {
		if _, err := s.Out.Write(p.Diff()); err != nil {
			return err
		}
		changes = changes || p.Changes()
	}
	errw := report.Writer(s.Err)
	fixed, skipped, unsafe := tally(ps)
	fmt.Fprintf(errw, "layerkit: --fix would fix %s%s\n", plural(fixed, "finding"), leftOut(skipped, unsafe))
	reportSkipped(errw, ps)
	if changes {
		return exitError{ExitFindings}
	}
	return nil
}

// applyFixes is check --fix: write the fixes, check again, and repeat while fixes
// change something; the results of the last check are what the report shows.
func applyFixes(s *IO, o *CheckOptions, results []*check.Result, selected []string, again func() ([]*check.Result, error)) ([]*check.Result, error) {
	errw := report.Writer(s.Err)
	total, files := 0, map[string]bool{}
	var last []*fix.Plan
	for round := 0; round < maxFixRounds; round++ {
		ps, err := plans(o, results, selected)
		if err != nil {
			return nil, err
		}
		last = ps
		changed := false
		for _, p := range ps {
			if !p.Changes() {
				continue
			}
			if err := p.Write(); err != nil {
				return nil, fmt.Errorf("--fix: %w", err)
			}
			changed = true
			for _, f := range p.Files {
				files[p.Root+"/"+f.Path] = true
			}
			for _, m := range p.Moves {
				files[p.Root+"/"+m.To] = true
			}
			for _, a := range p.Applied {
				total += len(a.Findings)
			}
		}
		if !changed {
			break
		}
		if results, err = again(); err != nil {
			return nil, err
		}
		last = nil
	}
	if last == nil {
		var err error
		if last, err = plans(o, results, selected); err != nil {
			return nil, err
		}
		for _, p := range last {
			if p.Changes() {
				fmt.Fprintf(errw, "layerkit: stopped after %d rounds of fixes; run --fix again for what they made fixable\n", maxFixRounds)
				break
			}
		}
	}
	remaining := 0
	for _, r := range results {
		remaining += len(r.Findings)
	}
	_, skipped, unsafe := tally(last)
	fmt.Fprintf(errw, "layerkit: fixed %s in %s; %s left%s\n", plural(total, "finding"), plural(len(files), "file"),
		plural(remaining, "finding"), leftOut(skipped, unsafe))
	reportSkipped(errw, last)
	return results, nil
}

func tally(ps []*fix.Plan) (fixed, skipped, unsafe int) {
	for _, p := range ps {
		for _, a := range p.Applied {
			fixed += len(a.Findings)
		}
		skipped += len(p.Skipped)
		unsafe += p.Unsafe
	}
	return
}

func leftOut(skipped, unsafe int) string {
	var parts []string
	if unsafe > 0 {
		parts = append(parts, fmt.Sprintf("%d unsafe %s left out: --unsafe-fixes applies them", unsafe, fixWord(unsafe)))
	}
	if skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d %s not applied, see below", skipped, fixWord(skipped)))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

func reportSkipped(w interface{ Write([]byte) (int, error) }, ps []*fix.Plan) {
	for _, p := range ps {
		for _, sk := range p.Skipped {
			fmt.Fprintf(w, "layerkit: not fixed: %s %s: %s: %s\n", sk.Finding.Code, sk.Finding.Pos.File, sk.Fix.Title, sk.Reason)
		}
	}
}

func fixWord(n int) string {
	if n == 1 {
		return "fix"
	}
	return "fixes"
}
