// Package pydist knows Python distributions: it parses requirements.txt
// files, maps distribution names to the modules they install (and back), and
// knows the runtime dependencies of common distributions, so the checker can
// tell which imports a declared requirement makes available.
//
// The tables are data (dists.tsv, deps.tsv), embedded; see their headers.
package pydist

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode/utf16"
)

// Requirement is one line of a requirements file (after joining continuation
// lines).
//
// A "-r FILE" / "-c FILE" line is returned as a Requirement with Include set
// (and Constraint for -c) and no Name: the caller resolves Include relative to
// the including file's directory and parses it in turn.
type Requirement struct {
	Name       string   // as written ("PyYAML"); "" for include lines
	Normalized string   // PEP 503 ("pyyaml")
	Extras     []string // as written, in order
	Specifier  string   // version specifier without spaces or parentheses (">=1,<2"); "" if none
	Marker     string   // environment marker after ";" (python_version < "3.12"); "" if none
	URL        string   // for "name @ URL", VCS, archive and path forms; "" otherwise
	Editable   bool     // "-e" / "--editable"
	Include    string   // "-r"/"-c" target as written
	Constraint bool     // Include came from "-c"/"--constraint"
	Line       int      // 1-based line where the (possibly continued) line starts
}

// IsInclude reports whether r is a "-r"/"-c" line rather than a requirement.
func (r Requirement) IsInclude() bool { return r.Include != "" }

// Problem is a line that could not be understood.
type Problem struct {
	File    string
	Line    int
	Message string
}

func (p Problem) Error() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message) }

var (
	// pip's COMMENT_RE: a "#" at line start or after whitespace starts a comment.
	commentRE = regexp.MustCompile(`(^|\s+)#.*$`)
	// PEP 508 names.
	nameRE = regexp.MustCompile(`^(?i)[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?`)
	// #egg=name fragments of URL requirements.
	eggRE = regexp.MustCompile(`[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)`)
	// name-version.tar.gz / .zip / .tar.bz2 source archives.
	sdistRE = regexp.MustCompile(`^([A-Za-z0-9][A-Za-z0-9._]*(?:-[A-Za-z_][A-Za-z0-9._]*)*)-[0-9][^/]*\.(?:tar\.gz|tgz|tar\.bz2|tar\.xz|zip)$`)
	// "name @ URL" and "name[extra] @ URL" (PEP 508 URL requirements).
	namedURLRE = regexp.MustCompile(`^(?i)[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?\s*(?:\[[^\]]*\])?\s*@`)
	// runs of -_. for PEP 503.
	normRE = regexp.MustCompile(`[-_.]+`)
)

// Normalize returns the PEP 503 normalized form of a distribution name:
// lower case, every run of "-", "_" and "." replaced by one "-". A name already in
// that form (the common case: names looked up again, lower-case names) is returned as
// is, without a regexp.
func Normalize(name string) string {
	if isNormalized(name) {
		return name
	}
	return strings.ToLower(normRE.ReplaceAllString(name, "-"))
}

// isNormalized reports whether name is a fixed point of Normalize: ASCII lower case
// letters and digits, with single "-" between them.
func isNormalized(name string) bool {
	for i := 0; i < len(name); i++ {
		switch c := name[i]; {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-' && (i == 0 || name[i-1] != '-'):
		default:
			return false
		}
	}
	return true
}

type logicalLine struct {
	num  int
	text string
}

// joinLines implements pip's line joining: a line ending in "\" continues on
// the next line, unless it is (or contains) a comment; the joined line keeps
// the number of its first physical line.
func joinLines(data string) []logicalLine {
	var out []logicalLine
	var cur []string
	start := 0
	lines := strings.Split(data, "\n")
	for i, l := range lines {
		l = strings.TrimSuffix(l, "\r")
		if i == 0 {
			l = strings.TrimPrefix(l, "\ufeff")
		}
		if !strings.HasSuffix(l, `\`) || commentRE.MatchString(l) {
			if commentRE.MatchString(l) {
				l = " " + l // keep it a comment once joined
			}
			if cur != nil {
				cur = append(cur, l)
				out = append(out, logicalLine{start, strings.Join(cur, "")})
				cur = nil
			} else {
				out = append(out, logicalLine{i + 1, l})
			}
			continue
		}
		if cur == nil {
			start = i + 1
		}
		cur = append(cur, strings.TrimRight(l, `\`))
	}
	if cur != nil { // file ends inside a continuation
		out = append(out, logicalLine{start, strings.Join(cur, "")})
	}
	return out
}

// ParseRequirements parses a pip requirements file. file names it in
// Problems. Comments, blank lines, continuation lines and global options
// (-i/--index-url, --extra-index-url, -f/--find-links, --no-binary,
// --only-binary, --pre, --trusted-host, --require-hashes, ...) are handled the
// way pip handles them; per-requirement options (--hash=..., --config-settings,
// --global-option) are dropped. "-r"/"-c" lines are returned as includes (see
// [Requirement]). Editable and URL requirements keep their name when the line
// states it ("name @ URL", "#egg=name", a wheel or sdist file name); otherwise
// they are reported as a Problem.
func ParseRequirements(data []byte, file string) ([]Requirement, []Problem) {
	var reqs []Requirement
	var probs []Problem
	problem := func(line int, format string, args ...any) {
		probs = append(probs, Problem{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	for _, ll := range joinLines(DecodeRequirements(data)) {
		line := strings.TrimSpace(commentRE.ReplaceAllString(ll.text, ""))
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "-") {
			r, msg := parseOptionLine(line)
			switch {
			case msg != "":
				problem(ll.num, "%s", msg)
			case r != nil:
				r.Line = ll.num
				if r.Include == "" && r.Name == "" {
					problem(ll.num, "cannot tell the distribution name of editable requirement %q (add #egg=NAME)", r.URL)
					continue
				}
				reqs = append(reqs, *r)
			}
			continue
		}
		args, _ := breakArgsOptions(line)
		r, msg := parseRequirement(args)
		if msg != "" {
			problem(ll.num, "%s", msg)
			continue
		}
		r.Line = ll.num
		reqs = append(reqs, r)
	}
	return reqs, probs
}

// breakArgsOptions splits a requirement line at the first token that starts
// with "-" (pip's break_args_options): "pkg==1 --hash=sha256:..." → "pkg==1".
func breakArgsOptions(line string) (args, options string) {
	fields := strings.Fields(line)
	for i, f := range fields {
		if strings.HasPrefix(f, "-") {
			return strings.Join(fields[:i], " "), strings.Join(fields[i:], " ")
		}
	}
	return strings.Join(fields, " "), ""
}

// optionValue extracts the value of a short (-r x, -rx) or long (--req x,
// --req=x) option from a line that starts with it.
func optionValue(line, short, long string) (val string, matched bool) {
	fields := strings.Fields(line)
	first := fields[0]
	rest := strings.TrimSpace(strings.TrimPrefix(line, first))
	switch {
	case first == short || first == long:
		return rest, true
	case long != "" && strings.HasPrefix(first, long+"="):
		return strings.TrimSpace(strings.TrimPrefix(line, long+"=")), true
	case short != "" && strings.HasPrefix(first, short) && !strings.HasPrefix(first, "--"):
		return strings.TrimSpace(strings.TrimPrefix(line, short)), true
	}
	return "", false
}

// parseOptionLine handles a line starting with "-". It returns a requirement
// (editable or include), nothing (an ignored option), or a problem message.
func parseOptionLine(line string) (*Requirement, string) {
	if v, ok := optionValue(line, "-r", "--requirement"); ok {
		if v == "" {
			return nil, "-r needs a file name"
		}
		return &Requirement{Include: v}, ""
	}
	if v, ok := optionValue(line, "-c", "--constraint"); ok {
		if v == "" {
			return nil, "-c needs a file name"
		}
		return &Requirement{Include: v, Constraint: true}, ""
	}
	if v, ok := optionValue(line, "-e", "--editable"); ok {
		v, _ = breakArgsOptions(v)
		if v == "" {
			return nil, "-e needs a path or URL"
		}
		r := &Requirement{Editable: true}
		if looksLikeURLOrPath(v) {
			r.URL = v
			if name := nameFromURL(v); name != "" {
				r.Name = name
			}
		} else {
			req, msg := parseRequirement(v)
			if msg != "" {
				return nil, msg
			}
			req.Editable = true
			r = &req
		}
		if r.Name != "" {
			r.Normalized = Normalize(r.Name)
		}
		return r, ""
	}
	// Any other option (index URLs, find-links, binary policies, hashes,
	// feature flags...) does not name a distribution.
	return nil, ""
}

func looksLikeURLOrPath(s string) bool {
	if strings.Contains(s, "://") || strings.HasPrefix(s, "file:") {
		return true
	}
	for _, vcs := range []string{"git+", "hg+", "svn+", "bzr+"} {
		if strings.HasPrefix(s, vcs) {
			return true
		}
	}
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "/") || strings.HasPrefix(s, "~") {
		return true
	}
	// pip treats a requirement containing a path separator, or naming an
	// archive, as a path.
	if strings.ContainsAny(s, `/\`) {
		return true
	}
	lower := strings.ToLower(s)
	for _, ext := range []string{".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// nameFromURL finds the distribution name of a URL or path requirement: the
// #egg= fragment, else a wheel or sdist file name; "" if none.
func nameFromURL(u string) string {
	if m := eggRE.FindStringSubmatch(u); m != nil {
		name := m[1]
		// "#egg=name-1.0" (old style) carries a version.
		if i := strings.Index(name, "-"); i > 0 && i+1 < len(name) && name[i+1] >= '0' && name[i+1] <= '9' {
			name = name[:i]
		}
		return name
	}
	base := u
	if i := strings.IndexAny(base, "#?"); i >= 0 {
		base = base[:i]
	}
	base = path.Base(strings.ReplaceAll(base, `\`, "/"))
	if strings.HasSuffix(strings.ToLower(base), ".whl") {
		// {name}-{version}(-{build})?-{python}-{abi}-{platform}.whl
		if parts := strings.Split(base, "-"); len(parts) >= 5 {
			return parts[0]
		}
		return ""
	}
	if m := sdistRE.FindStringSubmatch(base); m != nil {
		return m[1]
	}
	return ""
}

// parseRequirement parses a PEP 508 requirement or a pip URL/path form.
func parseRequirement(s string) (Requirement, string) {
	s = strings.TrimSpace(s)
	first, _, _ := strings.Cut(s, " ")
	if !namedURLRE.MatchString(s) && looksLikeURLOrPath(first) {
		// A bare URL or path. pip splits off a marker at "; " for URLs and
		// at ";" for paths.
		sep := ";"
		if strings.Contains(first, "://") || strings.Contains(first, "+") && strings.Contains(first, ":") {
			sep = "; "
		}
		u, marker, _ := strings.Cut(s, sep)
		u = strings.TrimSpace(u)
		name := nameFromURL(u)
		if name == "" {
			return Requirement{}, fmt.Sprintf("cannot tell the distribution name of %q (write NAME @ URL or add #egg=NAME)", u)
		}
		return Requirement{Name: name, Normalized: Normalize(name), URL: u, Marker: strings.TrimSpace(marker)}, ""
	}
	parts, msg := SplitPEP508(s, nameRE)
	if msg != "" {
		return Requirement{}, msg
	}
	r := Requirement{Name: parts.Name, Normalized: Normalize(parts.Name), Extras: parts.Extras,
		URL: parts.URL, Marker: parts.Marker}
	// Lenient: the specifier's shape is checked, not its PEP 440 versions (pip would
	// say more at install time; layerkit needs the name).
	if parts.Specifier != "" && !validSpecifier(parts.Specifier) {
		return Requirement{}, fmt.Sprintf("%s: bad version specifier %q", parts.Name, parts.Specifier)
	}
	r.Specifier = parts.Specifier
	return r, ""
}

// PEP508 is a PEP 508 requirement split into its parts, as written.
type PEP508 struct {
	Name      string
	Extras    []string // as written
	Specifier string   // without spaces or parentheses (">=1,<2"); "" for any
	URL       string   // after "@"; "" when none
	Marker    string   // after ";", trimmed; "" when none
	HasMarker bool
}

// SplitPEP508 is layerkit's one PEP 508 reader: it splits requirement s into name,
// extras, specifier or URL, and marker, and says what is wrong with its shape (problem
// "" when nothing). names matches a name (see ScanNameExtras). Two modes build on it:
// pymeta.ParseRequirement is strict (Requires-Dist: the specifier and the marker are
// parsed, PEP 440 and PEP 508); ParseRequirements is lenient (requirements files:
// pip's bare URL and path forms too, the specifier checked for shape only).
func SplitPEP508(s string, names *regexp.Regexp) (PEP508, string) {
	name, extras, rest, msg := ScanNameExtras(strings.TrimSpace(s), names)
	if msg != "" {
		return PEP508{}, msg
	}
	r := PEP508{Name: name, Extras: extras}
	if strings.HasPrefix(rest, "@") {
		u := strings.TrimSpace(rest[1:])
		// PEP 508: the URL ends at whitespace; a marker follows after ";".
		if i := strings.IndexAny(u, " \t"); i >= 0 {
			after := strings.TrimSpace(u[i:])
			u = u[:i]
			if !strings.HasPrefix(after, ";") {
				return PEP508{}, fmt.Sprintf("%s: unexpected %q after URL", name, after)
			}
			r.Marker, r.HasMarker = strings.TrimSpace(after[1:]), true
			if r.Marker == "" {
				return PEP508{}, fmt.Sprintf("%s: empty marker after ;", name)
			}
		}
		if u == "" {
			return PEP508{}, fmt.Sprintf("%s: empty URL after @", name)
		}
		r.URL = u
		return r, ""
	}
	spec, marker, hasMarker := strings.Cut(rest, ";")
	r.Marker, r.HasMarker = strings.TrimSpace(marker), hasMarker
	if hasMarker && r.Marker == "" {
		return PEP508{}, fmt.Sprintf("%s: empty marker after ;", name)
	}
	spec = strings.TrimSpace(spec)
	if strings.HasPrefix(spec, "(") {
		if !strings.HasSuffix(spec, ")") {
			return PEP508{}, fmt.Sprintf("%s: unclosed parenthesis", name)
		}
		spec = spec[1 : len(spec)-1]
	}
	r.Specifier = strings.Join(strings.Fields(spec), "")
	return r, ""
}

// ScanNameExtras reads the start of a PEP 508 requirement s (trimmed): the name, the
// longest match of names at the start of s; the extras in brackets after it, as
// written, each a whole match of names; and the rest, trimmed. problem is "" or says
// what is wrong. names is the caller's: pydist's nameRE and pymeta's differ on letters
// outside ASCII that case-fold to ASCII (the Kelvin sign).
func ScanNameExtras(s string, names *regexp.Regexp) (name string, extras []string, rest, problem string) {
	name = names.FindString(s)
	if name == "" {
		return "", nil, "", fmt.Sprintf("not a requirement: %q", s)
	}
	rest = strings.TrimSpace(s[len(name):])
	if !strings.HasPrefix(rest, "[") {
		return name, nil, rest, ""
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return "", nil, "", fmt.Sprintf("%s: unclosed extras", name)
	}
	for _, e := range strings.Split(rest[1:end], ",") {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		if names.FindString(e) != e {
			return "", nil, "", fmt.Sprintf("%s: bad extra %q", name, e)
		}
		extras = append(extras, e)
	}
	return name, extras, strings.TrimSpace(rest[end+1:]), ""
}

// validSpecifier checks the shape of a PEP 440 specifier list:
// comma-separated clauses, each an operator and a version-ish string.
func validSpecifier(spec string) bool {
	for _, clause := range strings.Split(spec, ",") {
		op := ""
		for _, o := range []string{"===", "~=", "==", "!=", "<=", ">=", "<", ">"} {
			if strings.HasPrefix(clause, o) {
				op = o
				break
			}
		}
		if op == "" {
			return false
		}
		v := clause[len(op):]
		if v == "" {
			return false
		}
		for _, c := range v {
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || strings.ContainsRune(".*+-_!", c)) {
				return false
			}
		}
	}
	return true
}

// DecodeRequirements decodes a requirements file as pip does (pip/_internal/utils/
// encoding.py, auto_decode): a byte order mark picks the encoding, tried in pip's order
// (UTF-8; UTF-16 in the machine's order, little-endian on the x86_64 and arm64 hosts
// sam build runs on; UTF-16 BE; UTF-16 LE; UTF-32 ...); the BOM is dropped. So a
// UTF-32 LE file, whose BOM starts with the UTF-16 LE one, is read as UTF-16 LE from its
// third byte, as pip reads it. Without a BOM, a PEP 263 "# -*- coding: X -*-" comment
// on one of the first two lines names the encoding (latin-1 and its aliases are
// decoded here; others are taken as UTF-8); otherwise pip uses the locale's encoding,
// UTF-8 on the Linux hosts and build images sam build uses.
func DecodeRequirements(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return string(data[3:])
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return decodeUTF16(data[2:], binary.LittleEndian)
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return decodeUTF16(data[2:], binary.BigEndian)
	case bytes.HasPrefix(data, []byte{0x00, 0x00, 0xFE, 0xFF}):
		return decodeUTF32BE(data[4:])
	}
	lines := bytes.SplitN(data, []byte("\n"), 3)
	for _, l := range lines[:min(2, len(lines))] {
		if len(l) == 0 || l[0] != '#' {
			continue
		}
		if m := codingRE.FindSubmatch(l); m != nil {
			switch strings.ToLower(strings.ReplaceAll(string(m[1]), "_", "-")) {
			case "latin-1", "latin1", "iso-8859-1", "iso8859-1", "l1", "cp819":
				r := make([]rune, len(data))
				for i, b := range data {
					r[i] = rune(b)
				}
				return string(r)
			}
			break
		}
	}
	return string(data)
}

var codingRE = regexp.MustCompile(`coding[:=]\s*([-\w.]+)`)

func decodeUTF16(b []byte, order binary.ByteOrder) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = order.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

func decodeUTF32BE(b []byte) string {
	r := make([]rune, len(b)/4)
	for i := range r {
		r[i] = rune(binary.BigEndian.Uint32(b[4*i:]))
	}
	return string(r)
}
