package rules

import (
	"fmt"
	"strings"
)

// Text renders a rule's documentation for the terminal (layerkit explain).
func Text(r *Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s (%s)\n\n%s\n", r.Code, r.Name(), severityLine(r), r.Summary)
	fmt.Fprintf(&b, "\nWhy\n%s\n", indent(r.Why))
	fmt.Fprintf(&b, "\nExample\n%s\n", indent(r.Example))
	fmt.Fprintf(&b, "\nFix\n%s\n", indent(r.Fix))
	fmt.Fprintf(&b, "\nAutomatic fixes (layerkit check --diff / --fix)\n%s\n", indent(fixesText(r)))
	return b.String()
}

// Markdown renders a rule's documentation page (docs/rules/CODE.md).
func Markdown(r *Rule) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s %s\n\n", r.Code, r.Name())
	fmt.Fprintf(&b, "<!-- Generated from internal/rules; edit the rule's metadata, then run go test ./internal/rules -update-docs -->\n\n")
	fmt.Fprintf(&b, "Severity: **%s**\n\n%s\n\n", severityLine(r), r.Summary)
	fmt.Fprintf(&b, "## Why it matters\n\n%s\n\n", r.Why)
	fmt.Fprintf(&b, "## Example\n\n```\n%s\n```\n\n", r.Example)
	fmt.Fprintf(&b, "## Fix\n\n%s\n", r.Fix)
	fmt.Fprintf(&b, "\n## Automatic fixes\n\n%s\n", fixesText(r))
	return b.String()
}

// Index renders docs/rules/README.md.
func Index() string {
	var b strings.Builder
	b.WriteString("# Rules\n\n<!-- Generated from internal/rules -->\n\n| code | name | severity | fix | summary |\n|---|---|---|---|---|\n")
	for _, r := range All() {
		fx := ""
		if r.Fixes != "" {
			fx = "yes"
		}
		fmt.Fprintf(&b, "| [%s](%s.md) | %s | %s | %s | %s |\n", r.Code, r.Code, r.Name(), r.Severity, fx, r.Summary)
	}
	return b.String()
}

// fixesText says which automatic fixes the rule has.
func fixesText(r *Rule) string {
	if r.Fixes == "" {
		return "None: layerkit check --fix leaves these findings to you; the finding's hint says what to change."
	}
	return r.Fixes
}

func severityLine(r *Rule) string {
	if r.Severities != "" {
		return r.Severity.String() + "; " + r.Severities
	}
	return r.Severity.String()
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n")
}
