package report

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/layerkit/layerkit/internal/finding"
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
	Name            string      `json:"name"`
	Version         string      `json:"version,omitempty"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	InformationURI  string      `json:"informationUri"`
	Rules           []sarifRule `json:"rules"`
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
	HelpURI          string          `json:"helpUri,omitempty"`
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
	// PartialFingerprints identify the result across line moves (finding.Fingerprint: the one --baseline matches by).
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	// Fixes is the finding's safe fix as SARIF replacements (sarifFixes); none for an
	// unsafe one or one that moves files.
	Fixes []sarifFix `json:"fixes,omitempty"`
}

type sarifFix struct {
	Description     sarifText             `json:"description"`
	ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
}

type sarifArtifactChange struct {
	Artifact     sarifArtifact      `json:"artifactLocation"`
	Replacements []sarifReplacement `json:"replacements"`
}

type sarifReplacement struct {
	Deleted  sarifByteRegion `json:"deletedRegion"`
	Inserted *sarifText      `json:"insertedContent,omitempty"`
}

type sarifByteRegion struct {
	ByteOffset int `json:"byteOffset"`
	ByteLength int `json:"byteLength"`
}

type sarifLocation struct {
	Physical sarifPhysical `json:"physicalLocation"`
	// Properties name the file inside a zip, for a location in one (sarifLocationOf).
	Properties *sarifArchiveMember `json:"properties,omitempty"`
}

type sarifArchiveMember struct {
	Member string `json:"archiveMember"`
	Line   int    `json:"archiveMemberLine,omitempty"`
	Column int    `json:"archiveMemberColumn,omitempty"`
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
	info := in.InfoURI
	if info == "" {
		info = "https://github.com/layerkit/layerkit"
	}
	driver := sarifDriver{Name: "layerkit", InformationURI: info}
	driver.Version, driver.SemanticVersion = sarifVersion(in.Version)
	index := map[string]int{}
	for _, r := range in.Rules {
		index[r.Code.String()] = len(driver.Rules)
		driver.Rules = append(driver.Rules, sarifRule{ID: r.Code.String(), Name: r.Name(),
			ShortDescription: sarifText{r.Summary}, FullDescription: sarifText{r.Why},
			Help: sarifText{r.Fix}, HelpURI: sarifHelpURI(info, in.Version, r.Code.String()), Default: sarifRuleConfig{sarifLevel(r.Severity)}})
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
		s.value(sarifResultOf(f, index, in.Archives), "        ")
	}
	if len(in.Findings) > 0 {
		s.raw("\n      ")
	}
	s.raw("]\n    }\n  ]\n}\n")
	return s.flush()
}

const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"

// sarifResultOf is the result for one finding; index maps rule codes to their place in
// the driver's rules, archives holds the zips whose members findings point into.
func sarifResultOf(f finding.Finding, index map[string]int, archives map[string]bool) sarifResult {
	return sarifResult{RuleID: f.Code.String(), RuleIndex: index[f.Code.String()], Level: sarifLevel(f.Severity),
		Message: sarifText{withFix(f)}, Locations: []sarifLocation{sarifLocationOf(f, archives)},
		PartialFingerprints: map[string]string{"layerkit/v1": finding.Fingerprint(f)}, Fixes: sarifFixes(f, archives)}
}

// sarifFixes is f's fix as SARIF 2.1.0 §3.55 fixes: per file, the byte ranges replaced
// (deletedRegion byteOffset/byteLength, insertedContent). Only safe fixes that edit files
// on disk: a move has no SARIF form, and viewers apply fixes without asking about safety.
func sarifFixes(f finding.Finding, archives map[string]bool) []sarifFix {
	fx := f.Fix
	if fx == nil || fx.Unsafe || len(fx.Moves) > 0 || len(fx.Edits) == 0 {
		return nil
	}
	var changes []sarifArtifactChange
	at := map[string]int{}
	for _, e := range fx.Edits {
		if _, _, ok := splitArchive(e.File, archives); ok {
			return nil
		}
		i, ok := at[e.File]
		if !ok {
			i = len(changes)
			at[e.File] = i
			changes = append(changes, sarifArtifactChange{Artifact: sarifArtifact{URI: sarifURI(e.File)}})
		}
		r := sarifReplacement{Deleted: sarifByteRegion{ByteOffset: e.Start, ByteLength: e.End - e.Start}}
		if e.New != "" {
			r.Inserted = &sarifText{e.New}
		}
		changes[i].Replacements = append(changes[i].Replacements, r)
	}
	return []sarifFix{{Description: sarifText{fx.Title}, ArtifactChanges: changes}}
}

// sarifLocationOf is where f points: its file as a URI reference relative to the
// repository root (sarifURI), with its line. A file inside a zip ("fn.zip:app.py",
// archives holding "fn.zip") is the zip itself, the member and its line in the
// location's properties: "fn.zip:app.py" as a URI is scheme "fn.zip", and a line of a
// zip's bytes means nothing to a code scanning viewer.
func sarifLocationOf(f finding.Finding, archives map[string]bool) sarifLocation {
	if archive, member, ok := splitArchive(f.Pos.File, archives); ok {
		// GitHub code scanning wants a startLine: the zip's first, the whole file.
		return sarifLocation{Physical: sarifPhysical{Artifact: sarifArtifact{URI: sarifURI(archive)}, Region: &sarifRegion{StartLine: 1}},
			Properties: &sarifArchiveMember{Member: member, Line: f.Pos.Line, Column: f.Pos.Col}}
	}
	loc := sarifLocation{Physical: sarifPhysical{Artifact: sarifArtifact{URI: sarifURI(f.Pos.File)}}}
	switch {
	case f.Pos.Line > 0:
		loc.Physical.Region = &sarifRegion{StartLine: f.Pos.Line, StartColumn: f.Pos.Col}
	case f.Pos.File != "":
		loc.Physical.Region = &sarifRegion{StartLine: 1} // about the whole file: GitHub wants a line
	}
	return loc
}

// splitArchive splits "dir/fn.zip:app.py" into the archive and the member when
// archives holds the archive's path.
func splitArchive(file string, archives map[string]bool) (string, string, bool) {
	for i := 0; i < len(file) && len(archives) > 0; i++ {
		if file[i] == ':' && archives[file[:i]] {
			return file[:i], file[i+1:], true
		}
	}
	return "", "", false
}

// sarifURI is a slash path as an RFC 3986 URI reference: each segment percent-encoded
// but for unreserved characters and sub-delimiters ("a b%.py" is "a%20b%25.py"), a ':'
// too (in a first segment it would read as a scheme); an absolute path is a file URI.
func sarifURI(p string) string {
	const keep = "-._~!$&'()*+,;=@/"
	var b strings.Builder
	if strings.HasPrefix(p, "/") {
		b.WriteString("file://")
	} else if len(p) > 2 && p[1] == ':' && (p[2] == '/' || p[2] == '\\') { // C:/ on Windows
		b.WriteString("file:///")
		b.WriteString(p[:2])
		p = p[2:]
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\':
			b.WriteByte('/')
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte(keep, c) >= 0:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// sarifHelpURI is the rule's page, docs/rules/CODE.md, on the repository at info: at
// the release's tag for a release build, else on main.
func sarifHelpURI(info, version, code string) string {
	ref := "main"
	if m := semverRE.FindStringSubmatch(version); m != nil && m[1] == "" {
		ref = version
	}
	return strings.TrimSuffix(info, "/") + "/blob/" + ref + "/docs/rules/" + code + ".md"
}

// sarifVersion is the tool's version for SARIF: the module version without its "v"
// (SARIF wants one that starts with a digit) and, when it is semantic, the same as
// semanticVersion; a build Go recorded no version for is "0.0.0-devel".
func sarifVersion(v string) (version, semantic string) {
	if !semverRE.MatchString(v) {
		return "0.0.0-devel", ""
	}
	return strings.TrimPrefix(v, "v"), strings.TrimPrefix(v, "v")
}

// semverRE matches a semantic module version; group 1 is its pre-release part.
var semverRE = regexp.MustCompile(`^v(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$`)
