// Package suppress reads inline ignores — comments in Python, JavaScript and Terraform
// files, lists in templates' Metadata and serverless.yml — and applies them to
// findings, keeping track of the ones that suppressed nothing (--report-unused-ignores).
//
// The syntax, one per anchor (as ruff, eslint, tflint and cfn-lint write theirs):
//
//	import numpy  # layerkit: ignore[LK101] -- provided by the runtime image
//	# layerkit: ignore-file[LK101, shadowed-module]
//	const x = require("x") // layerkit-ignore LK101 -- reason
//	# layerkit-ignore LK105 -- reason           (the line above a Terraform block)
//	Metadata: {layerkit: {ignore: [LK405]}}     (a SAM/CloudFormation resource)
//	custom: {layerkit: {ignore: [LK405], functions: {hello: {ignore: [LK101]}}}}
//
// Codes are written as codes or names (rulecode.Parse), separated by commas or spaces;
// an unknown code is an input error naming the file and line. A reason follows " -- ".
package suppress

import (
	"fmt"
	"strings"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// ParseList reads "LK101, unresolved-import -- reason": the codes and the reason. An
// empty list is an error (an ignore names what it ignores).
func ParseList(s string) (codes []rulecode.Code, reason string, err error) {
	if i := strings.Index(s, "--"); i >= 0 {
		reason = strings.TrimSpace(s[i+2:])
		s = s[:i]
	}
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
		c, ok := rulecode.Parse(w)
		if !ok {
			return nil, "", fmt.Errorf("unknown rule code %q in a layerkit ignore (want a code like LK101 or a name like unresolved-import; see layerkit explain)", w)
		}
		codes = append(codes, c)
	}
	if len(codes) == 0 {
		return nil, "", fmt.Errorf("a layerkit ignore names no rule code (write e.g. ignore[LK101])")
	}
	return codes, reason, nil
}

// Codes reads a list of entries as written in a template or serverless.yml: each entry
// "LK405" or "LK405 -- reason".
func Codes(entries []string) (codes []rulecode.Code, reason string, err error) {
	for _, e := range entries {
		c, r, err := ParseList(e)
		if err != nil {
			return nil, "", err
		}
		codes = append(codes, c...)
		if r != "" {
			reason = r
		}
	}
	return codes, reason, nil
}

// Match reports whether s suppresses f.
func Match(s model.Suppression, f model.Pos, code rulecode.Code, function, layer string) bool {
	if len(s.Codes) > 0 {
		found := false
		for _, c := range s.Codes {
			if c == code {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	if s.Function == "" && s.Layer == "" && s.File == "" {
		return true // the whole app
	}
	if s.Function != "" && function == s.Function || s.Layer != "" && layer == s.Layer {
		return true
	}
	if s.File == "" || f.File != s.File {
		return false
	}
	return s.Line == 0 || f.Line >= s.Line && f.Line <= max(s.Line, s.EndLine)
}

// Unused is one suppression (or one code of it) that suppressed nothing.
type Unused struct {
	S    model.Suppression
	Code rulecode.Code // 0: the suppression names no code and suppressed nothing
}

// Describe says what u was meant to suppress, for the unused-suppression finding.
func (u Unused) Describe() string {
	what := "every code"
	if u.Code != 0 {
		what = u.Code.String() + " (" + u.Code.Name() + ")"
	}
	switch {
	case u.S.Function != "":
		return fmt.Sprintf("this ignore of %s for function %s suppresses nothing: no such finding for it", what, u.S.Function)
	case u.S.Layer != "":
		return fmt.Sprintf("this ignore of %s for layer %s suppresses nothing: no such finding for it", what, u.S.Layer)
	case u.S.File != "" && u.S.Line > 0:
		return fmt.Sprintf("this ignore of %s suppresses nothing: no such finding on line %d of %s", what, u.S.Line, u.S.File)
	case u.S.File != "":
		return fmt.Sprintf("this file-level ignore of %s suppresses nothing: no such finding in %s", what, u.S.File)
	}
	return fmt.Sprintf("this ignore of %s suppresses nothing: no such finding in the app", what)
}

// Apply drops the findings sups suppress and returns the others, with the suppressions
// (one entry per code) that suppressed nothing.
func Apply(fs []finding.Finding, sups []model.Suppression) (kept []finding.Finding, unused []Unused) {
	if len(sups) == 0 {
		return fs, nil
	}
	used := make([]map[rulecode.Code]bool, len(sups))
	for i := range used {
		used[i] = map[rulecode.Code]bool{}
	}
	kept = fs[:0:0]
	for _, f := range fs {
		hit := false
		for i, s := range sups {
			if Match(s, f.Pos, f.Code, f.Function, f.Layer) {
				hit = true
				used[i][f.Code] = true
			}
		}
		if !hit {
			kept = append(kept, f)
		}
	}
	for i, s := range sups {
		if len(s.Codes) == 0 {
			if len(used[i]) == 0 {
				unused = append(unused, Unused{S: s})
			}
			continue
		}
		for _, c := range s.Codes {
			if !used[i][c] {
				unused = append(unused, Unused{S: s, Code: c})
			}
		}
	}
	return kept, unused
}
