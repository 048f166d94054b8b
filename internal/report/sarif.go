package report

import (
	"io"

	"github.com/layerkit/layerkit/internal/finding"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rules"
)

// SARIF 2.1.0, the subset GitHub code scanning reads. Hand-written (about as long as
// the adapter a library would need).
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID               string          `json:"id"`
	Name             string          `json:"name"`
	ShortDescription sarifText       `json:"shortDescription"`
	FullDescription  sarifText       `json:"fullDescription"`
	Help             sarifText       `json:"help"`
	Default          sarifRuleConfig `json:"defaultConfiguration"`
}

type sarifRuleConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
}

type sarifLocation struct {
	Physical sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	Artifact sarifArtifact `json:"artifactLocation"`
	Region   *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

func sarifLevel(s model.Severity) string {
	switch s {
	case model.Error:
		return "error"
	case model.Warning:
		return "warning"
	}
	return "note"
}

// writeSARIF writes the log one result at a time, byte for byte what encoding the
// whole log at once would (encodeJSON): that held the results three times (structs,
// encoded, escaped), 900 MB for 200,000 findings.
func writeSARIF(w io.Writer, in Input) error {
	driver := sarifDriver{Name: "layerkit", Version: in.Version, InformationURI: "https://github.com/layerkit/layerkit"}
	index := map[string]int{}
	for _, r := range rules.All() {
		index[r.Code] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRule{ID: r.Code, Name: r.Name,
			ShortDescription: sarifText{r.Summary}, FullDescription: sarifText{r.Why},
			Help: sarifText{r.Fix}, Default: sarifRuleConfig{sarifLevel(r.Severity)}})
	}
	s := newStream(w)
	s.raw("{\n  \"$schema\": ")
	s.value(sarifSchema, "  ")
	s.raw(",\n  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": ")
	s.value(sarifTool{driver}, "      ")
	s.raw(",\n      \"results\": [")
	for i, f := range in.Findings {
		if i > 0 {
			s.raw(",")
		}
		s.raw("\n        ")
		s.value(sarifResultOf(f, index), "        ")
	}
	if len(in.Findings) > 0 {
		s.raw("\n      ")
	}
	s.raw("]\n    }\n  ]\n}\n")
	return s.flush()
}

const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// sarifResultOf is the result for one finding; index maps rule codes to their place in
// the driver's rules.
func sarifResultOf(f finding.Finding, index map[string]int) sarifResult {
	loc := sarifLocation{Physical: sarifPhysical{Artifact: sarifArtifact{URI: f.Pos.File}}}
	if f.Pos.Line > 0 {
		loc.Physical.Region = &sarifRegion{StartLine: f.Pos.Line, StartColumn: f.Pos.Col}
	}
	return sarifResult{RuleID: f.Code, RuleIndex: index[f.Code], Level: sarifLevel(f.Severity),
		Message: sarifText{withFix(f)}, Locations: []sarifLocation{loc}}
}
