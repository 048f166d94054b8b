package report

import (
	"io"

	"github.com/layerkit/layerkit/internal/model"
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

func writeSARIF(w io.Writer, in Input) error {
	driver := sarifDriver{Name: "layerkit", Version: in.Version, InformationURI: "https://github.com/layerkit/layerkit"}
	index := map[string]int{}
	for _, r := range in.Rules {
		index[r.Code.String()] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRule{ID: r.Code.String(), Name: r.Name(),
			ShortDescription: sarifText{r.Summary}, FullDescription: sarifText{r.Why},
			Help: sarifText{r.Fix}, Default: sarifRuleConfig{sarifLevel(r.Severity)}})
	}
	run := sarifRun{Tool: sarifTool{driver}, Results: []sarifResult{}}
	for _, f := range in.Findings {
		loc := sarifLocation{Physical: sarifPhysical{Artifact: sarifArtifact{URI: f.Pos.File}}}
		if f.Pos.Line > 0 {
			loc.Physical.Region = &sarifRegion{StartLine: f.Pos.Line, StartColumn: f.Pos.Col}
		}
		run.Results = append(run.Results, sarifResult{RuleID: f.Code.String(), RuleIndex: index[f.Code.String()], Level: sarifLevel(f.Severity),
			Message: sarifText{withFix(f)}, Locations: []sarifLocation{loc}})
	}
	log := sarifLog{Schema: "https://json.schemastore.org/sarif-2.1.0.json", Version: "2.1.0", Runs: []sarifRun{run}}
	return encodeJSON(w, log)
}
