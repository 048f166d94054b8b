package cli

import (
	"github.com/layerkit/layerkit/internal/report"
	"github.com/layerkit/layerkit/internal/rules"
)

// catalogue is the rule catalogue as the reports describe it (SARIF's rule metadata).
func catalogue() []report.Rule {
	all := rules.All()
	out := make([]report.Rule, len(all))
	for i, r := range all {
		out[i] = report.Rule{Code: r.Code, Severity: r.Severity, Summary: r.Summary, Why: r.Why, Fix: r.Fix}
	}
	return out
}
