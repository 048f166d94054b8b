package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
)

// writeGitHub prints GitHub Actions workflow commands (::error file=…,line=…::msg),
// errors first, since GitHub shows only the first ten annotations of each level.
func writeGitHub(w io.Writer, in Input) error {
	b := bufio.NewWriterSize(w, 64<<10)
	levels := []struct {
		sev  model.Severity
		name string
	}{{model.Error, "error"}, {model.Warning, "warning"}, {model.Info, "notice"}}
	for _, lv := range levels {
		for _, f := range in.Findings {
			if f.Severity != lv.sev {
				continue
			}
			f = escapeFinding(f)
			msg := withFix(f)
			if archive, member, ok := splitArchive(f.Pos.File, in.Archives); ok {
				// An annotation on a zip's line means nothing: on the zip, naming the member.
				msg = fmt.Sprintf("%s:%s: %s", archive, memberLine(member, f.Pos), msg)
				f.Pos = model.Pos{File: archive}
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
			fmt.Fprintf(b, "::%s %s::%s\n", lv.name, strings.Join(props, ","), escapeData(msg))
		}
	}
	fmt.Fprintf(b, "layerkit: %s\n", in.Summary.line())
	return b.Flush()
}

// The replacers are made once: making one per finding was most of the time of a
// 200,000-finding run.
var (
	dataEscaper     = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A")
	propertyEscaper = strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C")
)

func escapeData(s string) string { return dataEscaper.Replace(s) }

func escapeProperty(s string) string { return propertyEscaper.Replace(s) }

// memberLine is "app.py:3:1", "app.py:3" or "app.py".
func memberLine(member string, p model.Pos) string {
	if p.Line > 0 {
		member += fmt.Sprintf(":%d", p.Line)
		if p.Col > 0 {
			member += fmt.Sprintf(":%d", p.Col)
		}
	}
	return member
}
