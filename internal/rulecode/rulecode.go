// Package rulecode names the rules: one constant per code, and each code's kebab-case
// name. A finding, a loader's note and a rule's metadata carry a Code, never a string,
// so that a mistyped code does not compile; the code is shown (and written to JSON,
// SARIF and GitHub annotations) as "LKnnn".
//
// The rules themselves (what each checks, its docs) live in internal/rules; this
// package is a leaf that loaders, reports and the CLI can import without them.
package rulecode

import (
	"fmt"
	"strconv"
	"strings"
)

// Code identifies one rule. Its value is the rule's number: LK101 is 101.
type Code uint16

// The rule codes, in the order of the catalogue.
const (
	LK101 Code = 101
	LK102 Code = 102
	LK103 Code = 103
	LK104 Code = 104
	LK105 Code = 105
	LK106 Code = 106
	LK107 Code = 107
	LK108 Code = 108
	LK109 Code = 109
	LK110 Code = 110
	LK111 Code = 111
	LK201 Code = 201
	LK202 Code = 202
	LK203 Code = 203
	LK204 Code = 204
	LK301 Code = 301
	LK302 Code = 302
	LK303 Code = 303
	LK304 Code = 304
	LK401 Code = 401
	LK402 Code = 402
	LK403 Code = 403
	LK404 Code = 404
	LK405 Code = 405
	LK406 Code = 406
	LK407 Code = 407
	LK408 Code = 408
	LK409 Code = 409
	LK410 Code = 410
	LK411 Code = 411
	LK501 Code = 501
	LK502 Code = 502
	LK503 Code = 503
)

// names holds each code's name, in code order. A code missing here has no name,
// which TestEveryCodeNamed and the rules registry's test catch.
var names = []struct {
	code Code
	name string
}{
	{LK101, "unresolved-import"},
	{LK102, "handler-module-not-found"},
	{LK103, "handler-not-defined"},
	{LK104, "shadowed-module"},
	{LK105, "layer-not-inspectable"},
	{LK106, "unfollowed-import"},
	{LK107, "module-format-mismatch"},
	{LK108, "syntax-error"},
	{LK109, "function-not-checked"},
	{LK110, "unused-suppression"},
	{LK111, "environment-variable-not-set"},
	{LK201, "layer-content-off-path"},
	{LK202, "unsatisfied-requirement"},
	{LK203, "duplicate-distribution"},
	{LK204, "search-path-overridden"},
	{LK301, "extension-abi-mismatch"},
	{LK302, "architecture-mismatch"},
	{LK303, "glibc-too-new"},
	{LK304, "foreign-binary"},
	{LK401, "too-many-layers"},
	{LK402, "unzipped-size-exceeded"},
	{LK403, "incompatible-runtime"},
	{LK404, "incompatible-architecture"},
	{LK405, "deprecated-runtime"},
	{LK406, "bad-layer-reference"},
	{LK407, "duplicate-layer"},
	{LK408, "direct-upload-too-large"},
	{LK409, "stale-build"},
	{LK410, "code-outside-project"},
	{LK411, "duplicate-key"},
	{LK501, "newer-layer-version"},
	{LK502, "deleted-layer-version"},
	{LK503, "deployed-differs-from-local"},
}

// String is the code as users see it: "LK101".
func (c Code) String() string {
	return fmt.Sprintf("LK%03d", uint16(c))
}

// Name is the code's kebab-case name ("unresolved-import"); "" for a code that is not
// one of the constants.
func (c Code) Name() string {
	for _, n := range names {
		if n.code == c {
			return n.name
		}
	}
	return ""
}

// Known reports whether c is one of the constants.
func (c Code) Known() bool { return c.Name() != "" }

// MarshalText writes the code as "LK101" (JSON and other text encodings).
func (c Code) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads a code written by MarshalText; an unknown code is an error.
func (c *Code) UnmarshalText(b []byte) error {
	v, ok := Parse(string(b))
	if !ok {
		return fmt.Errorf("unknown rule code %q", b)
	}
	*c = v
	return nil
}

// All returns every code, in order.
func All() []Code {
	out := make([]Code, len(names))
	for i, n := range names {
		out[i] = n.code
	}
	return out
}

// Parse reads a code as users type it: "LK101" or "lk101", or its name
// ("unresolved-import"). ok is false for anything that is not one of the constants.
func Parse(s string) (c Code, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) == 5 && strings.EqualFold(s[:2], "LK") {
		n, err := strconv.ParseUint(s[2:], 10, 16)
		if err == nil && Code(n).Known() {
			return Code(n), true
		}
		return 0, false
	}
	for _, n := range names {
		if n.name == s {
			return n.code, true
		}
	}
	return 0, false
}

// Match reads a rule selector as users write one in --select, --ignore and the
// configuration file: a code (LK101, any case), a name (unresolved-import, any case) or a
// code prefix (LK1, LK10: every code that starts with it). It returns the codes it
// selects, in order; none when it selects nothing.
func Match(v string) []Code {
	v = strings.TrimSpace(v)
	up, low := strings.ToUpper(v), strings.ToLower(v)
	var out []Code
	for _, n := range names {
		code := n.code.String()
		if code == up || n.name == low || (len(up) > 2 && len(up) < 5 && strings.HasPrefix(up, "LK") && strings.HasPrefix(code, up)) {
			out = append(out, n.code)
		}
	}
	return out
}

// Names are every code and name, for suggesting the nearest to a value that is neither.
func Names() []string {
	out := make([]string, 0, 2*len(names))
	for _, n := range names {
		out = append(out, n.code.String(), n.name)
	}
	return out
}
