package pymeta

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	pep440 "github.com/aquasecurity/go-pep440-version"

	"github.com/layerkit/layerkit/internal/pydist"
)

// Requirement is one PEP 508 dependency specification ("requests[socks]>=2.8; python_version<'3.10'").
type Requirement struct {
	Name       string   // as written
	Normalized string   // PEP 503: lower case, runs of -_. as one -
	Extras     []string // normalized
	// Specifier is the version specifier list without spaces (">=2.8,<3"), "" for any.
	Specifier string
	URL       string // after "@", "" when none
	// Marker is the environment marker; nil when there is none.
	Marker *Marker
}

// String renders the requirement in a canonical form (for messages).
func (r Requirement) String() string {
	s := r.Name
	if len(r.Extras) > 0 {
		s += "[" + strings.Join(r.Extras, ",") + "]"
	}
	if r.URL != "" {
		s += " @ " + r.URL
	}
	s += r.Specifier
	if r.Marker != nil {
		if r.URL != "" {
			s += " " // PEP 508: the URL ends at whitespace
		}
		s += "; " + r.Marker.String()
	}
	return s
}

var (
	reqNameRE = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?`)
)

// Normalize is the PEP 503 normalized form of a distribution or extra name:
// pydist.Normalize, one definition for both packages.
func Normalize(name string) string { return pydist.Normalize(name) }

// ParseRequirement parses one PEP 508 string strictly (Requires-Dist): the shape is
// pydist.SplitPEP508's (the one PEP 508 reader), the specifier is parsed as PEP 440 and
// the marker as PEP 508.
func ParseRequirement(s string) (Requirement, error) {
	parts, problem := pydist.SplitPEP508(s, reqNameRE)
	if problem != "" {
		return Requirement{}, errors.New(problem)
	}
	extras := parts.Extras
	for i, e := range extras {
		extras[i] = Normalize(e)
	}
	r := Requirement{Name: parts.Name, Normalized: Normalize(parts.Name), Extras: extras, URL: parts.URL, Specifier: parts.Specifier}
	if r.Specifier != "" {
		if _, err := ParseSpecifier(r.Specifier); err != nil {
			return Requirement{}, fmt.Errorf("%s: %w", r.Name, err)
		}
	}
	if parts.HasMarker {
		m, err := ParseMarker(parts.Marker)
		if err != nil {
			return Requirement{}, fmt.Errorf("%s: %w", r.Name, err)
		}
		r.Marker = m
	}
	return r, nil
}

var specOps = []string{"===", "~=", "==", "!=", "<=", ">=", "<", ">"}

// Specifier is a parsed PEP 440 specifier list.
type Specifier struct {
	text      string
	arbitrary []string // "===" clauses: string equality
	s         *pep440.Specifiers
}

// ParseSpecifier checks the PEP 440 grammar of a comma-separated specifier list (the
// library alone also accepts forms PEP 440 does not, such as "||" and a bare version).
func ParseSpecifier(spec string) (*Specifier, error) {
	spec = strings.Join(strings.Fields(spec), "")
	out := &Specifier{text: spec}
	if spec == "" {
		return out, nil
	}
	var rest []string
	for _, clause := range strings.Split(spec, ",") {
		op := ""
		for _, o := range specOps {
			if strings.HasPrefix(clause, o) {
				op = o
				break
			}
		}
		v := strings.TrimPrefix(clause, op)
		if op == "" || v == "" || strings.ContainsAny(v, "|;()<>=!~") {
			return nil, fmt.Errorf("bad version specifier %q", spec)
		}
		if op == "===" {
			out.arbitrary = append(out.arbitrary, v)
			continue
		}
		rest = append(rest, clause)
	}
	if len(rest) > 0 {
		s, err := pep440.NewSpecifiers(strings.Join(rest, ","), pep440.WithPreRelease(true))
		if err != nil {
			return nil, fmt.Errorf("bad version specifier %q", spec)
		}
		out.s = &s
	}
	return out, nil
}

// Contains reports whether version satisfies the specifier, with pip check's rule:
// pre-releases count. An empty specifier contains every version. "===" clauses compare
// the text; a version that is not PEP 440 satisfies nothing else.
func (s *Specifier) Contains(version string) (ok bool) {
	if s == nil || s.text == "" {
		return true
	}
	for _, a := range s.arbitrary {
		if !strings.EqualFold(a, version) {
			return false
		}
	}
	if s.s == nil {
		return true
	}
	v, err := pep440.Parse(version)
	if err != nil {
		return false
	}
	defer func() {
		if recover() != nil { // the library must not take a check down on odd input
			ok = false
		}
	}()
	return s.s.Check(v)
}

func (s *Specifier) String() string {
	if s == nil {
		return ""
	}
	return s.text
}

// ValidVersion reports whether v is a PEP 440 version.
func ValidVersion(v string) bool {
	_, err := pep440.Parse(v)
	return err == nil
}

// CompareVersions orders two versions by PEP 440 (-1, 0, 1); invalid versions compare
// as strings, after every valid one.
func CompareVersions(a, b string) int {
	va, ea := pep440.Parse(a)
	vb, eb := pep440.Parse(b)
	switch {
	case ea == nil && eb == nil:
		return va.Compare(vb)
	case ea == nil:
		return -1
	case eb == nil:
		return 1
	}
	return strings.Compare(a, b)
}
