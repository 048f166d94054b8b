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
	levels := []struct {
		sev  model.Severity
		name string
	}{{model.Error, "error"}, {model.Warning, "warning"}, {model.Info, "notice"}}
	for _, lv := range levels {
		for _, f := range in.Findings {
			if f.Severity != lv.sev {
				continue
			}
			props := []string{"file=" + escapeProperty(f.Pos.File)}
			if f.Pos.Line > 0 {
				props = append(props, fmt.Sprintf("line=%d", f.Pos.Line))
			}
			if f.Pos.Col > 0 {
				props = append(props, fmt.Sprintf("col=%d", f.Pos.Col))
			}
			title := f.Code.String() + " " + f.Code.Name()
			if f.Function != "" {
				title += " (" + f.Function + ")"
			}
			props = append(props, "title="+escapeProperty(title))
			fmt.Fprintf(&b, "::%s %s::%s\n", lv.name, strings.Join(props, ","), escapeData(withFix(f)))
		}
	}
	fmt.Fprintf(&b, "layerkit: %s\n", in.Summary.line())
	_, err := io.WriteString(w, b.String())
	return err
}

func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
