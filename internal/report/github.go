package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
)

// writeGitHub prints GitHub Actions workflow commands (::error file=…,line=…::msg),
// errors first, since GitHub shows only the first ten annotations of each level.
func writeGitHub(w io.Writer, in Input) error {
	var b strings.Builder
	for _, want := range []model.Severity{model.Error, model.Warning, model.Info} {
		for _, f := range in.Findings {
			if f.Severity != want {
				continue
			}
			level := map[model.Severity]string{model.Error: "error", model.Warning: "warning", model.Info: "notice"}[f.Severity]
			props := []string{"file=" + escapeProperty(f.Pos.File)}
			if f.Pos.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", f.Pos.Line))
			}
			if f.Pos.Col > 0 {
				props = append(props, fmt.Sprintf("col=%d", f.Pos.Col))
			}
			title := f.Code + " " + f.Name
			if f.Function != "" {
				title += " (" + f.Function + ")"
			}
			props = append(props, "title="+escapeProperty(title))
			msg := f.Message
			if f.Hint != "" {
				msg += "\nFix: " + f.Hint
			}
			fmt.Fprintf(&b, "::%s %s::%s\n", level, strings.Join(props, ","), escapeData(msg))
		}
	}
	s := in.Summary
	fmt.Fprintf(&b, "layerkit: %d function(s), %d layer(s): %s, %s, %s\n", s.Functions, s.Layers,
		plural(s.Errors, "error"), plural(s.Warnings, "warning"), plural(s.Infos, "info"))
	_, err := io.WriteString(w, b.String())
	return err
}

func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
