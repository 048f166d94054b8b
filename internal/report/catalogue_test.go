package report

import (
	"bytes"
	"encoding/json"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// TestSARIFRulesFromInput: the SARIF rule metadata is the catalogue the caller passes
// in, and each result points at its rule by index.
func TestSARIFRulesFromInput(t *testing.T) {
	in := Input{
		Rules: []Rule{
			{Code: rulecode.LK101, Severity: model.Error, Summary: "unresolved", Why: "why", Fix: "fix"},
			{Code: rulecode.LK104, Severity: model.Warning, Summary: "shadowed", Why: "why", Fix: "fix"},
		},
		Findings: []finding.Finding{{Code: rulecode.LK104, Severity: model.Warning, Function: "Fn",
			Pos: model.Pos{File: "src/app.py", Line: 1}, Message: "m", Hint: "h"}},
	}
	var buf bytes.Buffer
	if err := Write(&buf, "sarif", in); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Rules []struct {
						ID, Name         string
						ShortDescription struct{ Text string }
						Default          struct{ Level string } `json:"defaultConfiguration"`
					}
				}
			}
			Results []struct {
				RuleID    string
				RuleIndex int
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	rs := run.Tool.Driver.Rules
	if len(rs) != 2 || rs[0].ID != "LK101" || rs[0].Name != "unresolved-import" || rs[1].ID != "LK104" ||
		rs[1].ShortDescription.Text != "shadowed" || rs[1].Default.Level != "warning" {
		t.Errorf("rules = %+v", rs)
	}
	if len(run.Results) != 1 || run.Results[0].RuleID != "LK104" || run.Results[0].RuleIndex != 1 {
		t.Errorf("results = %+v", run.Results)
	}
}

// TestNoRulesImport: report prints the catalogue it is given; it does not import the
// rules (nor, through them, the analysis packages).
func TestNoRulesImport(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if rest, ok := strings.CutPrefix(p, "github.com/layerkit/layerkit/internal/"); ok &&
				rest != "finding" && rest != "model" && rest != "rulecode" {
				t.Errorf("%s imports %s; report depends only on finding, model and rulecode", file, p)
			}
		}
	}
}
