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

// ParseRequirement parses one PEP 508 string.
func ParseRequirement(s string) (Requirement, error) {
	s = strings.TrimSpace(s)
	name, extras, rest, problem := pydist.ScanNameExtras(s, reqNameRE)
	if problem != "" {
		return Requirement{}, errors.New(problem)
	}
	for i, e := range extras {
		extras[i] = Normalize(e)
	}
	r := Requirement{Name: name, Normalized: Normalize(name), Extras: extras}
	var marker string
	hasMarker := false
	if strings.HasPrefix(rest, "@") {
		u := strings.TrimSpace(rest[1:])
		if i := strings.IndexAny(u, " \t"); i >= 0 {
			after := strings.TrimSpace(u[i:])
			u = u[:i]
			if !strings.HasPrefix(after, ";") {
				return Requirement{}, fmt.Errorf("%s: unexpected %q after URL", name, after)
			}
			marker, hasMarker = after[1:], true
		}
		if u == "" {
			return Requirement{}, fmt.Errorf("%s: empty URL", name)
		}
		r.URL = u
	} else {
		var spec string
		spec, marker, hasMarker = strings.Cut(rest, ";")
		spec = strings.TrimSpace(spec)
		if strings.HasPrefix(spec, "(") {
			if !strings.HasSuffix(spec, ")") {
				return Requirement{}, fmt.Errorf("%s: unclosed parenthesis", name)
			}
			spec = spec[1 : len(spec)-1]
		}
		spec = strings.Join(strings.Fields(spec), "")
		if spec != "" {
			if _, err := ParseSpecifier(spec); err != nil {
				return Requirement{}, fmt.Errorf("%s: %w", name, err)
			}
		}
		r.Specifier = spec
	}
	if hasMarker {
		m, err := ParseMarker(marker)
		if err != nil {
			return Requirement{}, fmt.Errorf("%s: %w", name, err)
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
