package report

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// hostileStrings are names a repository can put in a template: each tries to reach a
// terminal (ESC, OSC, BEL, C1 CSI, bidi) or a GitHub runner (a new line with ::error,
// ::add-mask::, ::stop-commands::, ##[add-mask]).
var hostileStrings = []string{
	"Fn\n::error file=x,line=1::pwned",
	"Fn\r\n::add-mask::secret",
	"::add-mask::secret",
	"  ::stop-commands::tok",
	"Fn ##[add-mask]secret",
	"Fn\x1b[2J\x1b[H",
	"Fn\x1b]8;;https://evil.example\x07click\x1b]8;;\x07",
	"Fn\x1b]0;title\x07",
	"Fn\u009b31m red \u0085 next",
	"Fn\u202eevil\u202c \u2066x\u2069 \u200f",
	"Fn\u2028line",
	"bad\xff\x9butf8",
	"tab\there\x7f",
	"%0A::error::x",
}

// unsafe matches what must never appear in escaped output: a control byte other than
// the line breaks a format writes itself, C1 controls, bidi and separators.
var unsafe = regexp.MustCompile("[\x00-\x09\x0b-\x1f\x7f\u0080-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

// commandLine matches a line a GitHub runner would read as a workflow command.
var commandLine = regexp.MustCompile(`(?m)^[ \t]*::|##\[`)

func TestEscape(t *testing.T) {
	for _, s := range hostileStrings {
		e := Escape(s)
		if unsafe.MatchString(e) || strings.ContainsAny(e, "\n\r") || commandLine.MatchString(e) || !utf8.ValidString(e) {
			t.Errorf("Escape(%q) = %q: still unsafe", s, e)
		}
	}
	for s, want := range map[string]string{
		"plain/path.py":          "plain/path.py",
		"a\nb":                   `a\nb`,
		"\x1b[31m":               `\x1b[31m`,
		"x\u202ey":               `x\u202ey`,
		"::error::x":             `\x3a:error::x`,
		"arn:aws:s3:::bucket":    "arn:aws:s3:::bucket", // "::" inside a line is harmless
		"see ##[add-mask]x":      `see ##\x5badd-mask]x`,
		"list[0] #1 [x]":         "list[0] #1 [x]",
		"\xff":                   `\xff`,
		"naïve 名前 café ✓":        "naïve 名前 café ✓",
		"tab\t":                  `tab\t`,
		"\u0085":                 `\u0085`,
		"C:\\path":               "C:\\path",
		"100% done, a=b; [c]":    "100% done, a=b; [c]",
		"func(x) -> dict[str]::": "func(x) -> dict[str]::",
	} {
		if got := Escape(s); got != want {
			t.Errorf("Escape(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestWriterKeepsLinesDefusesCommands(t *testing.T) {
	var b bytes.Buffer
	w := Writer(&b)
	w.Write([]byte("Traceback:\n  line one\x1b[2J\n"))
	w.Write([]byte("::add-mask::x\n"))
	w.Write([]byte("  "))
	w.Write([]byte("::error::y ##[warning]z\r\n\tok\n"))
	want := "Traceback:\n  line one\\x1b[2J\n\\x3a:add-mask::x\n  \\x3a:error::y ##\\x5bwarning]z\\r\n\tok\n"
	if b.String() != want {
		t.Errorf("got %q\nwant %q", b.String(), want)
	}
}

// hostileInput is a report whose every string from the input is hostile.
func hostileInput() Input {
	var in Input
	for i, s := range hostileStrings {
		in.Findings = append(in.Findings, finding.Finding{Code: rulecode.LK101, Severity: model.Severity(i % 3),
			Function: s, Layer: s, Pos: model.Pos{File: s, Line: i + 1, Col: 1}, Message: "cannot import " + s, Hint: s})
		in.Functions = append(in.Functions, FunctionLine{Name: s, Kind: s, Runtime: s, Arch: s, Layers: []string{s, s}, Skipped: s})
	}
	in.Checked = hostileStrings[0]
	in.Summary = Count(Summary{Functions: len(hostileStrings)}, in.Findings)
	return in
}

// TestFormatsEscapeInput: in every format, nothing from the input reaches the output
// raw: no control character, no line a GitHub runner reads as a command but the
// annotations layerkit means, and JSON/SARIF still decode to the exact values.
func TestFormatsEscapeInput(t *testing.T) {
	in := hostileInput()
	for _, format := range Formats {
		for _, color := range []bool{false, true} {
			in.Color = color
			var b bytes.Buffer
			if err := Write(&b, format, in); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			if color && format == "text" {
				out = regexp.MustCompile(`\x1b\[[0-9;]*m`).ReplaceAllString(out, "") // layerkit's own colours
			}
			if m := unsafe.FindString(out); m != "" {
				t.Errorf("%s (color %v): raw %q in output:\n%s", format, color, m, out)
			}
			if !utf8.ValidString(out) {
				t.Errorf("%s: invalid UTF-8 in output", format)
			}
			for _, line := range strings.Split(out, "\n") {
				if commandLine.MatchString(line) && !(format == "github" && regexp.MustCompile(`^::(error|warning|notice) file=[^:\n]*::`).MatchString(line)) {
					t.Errorf("%s: a line a runner reads as a command: %q", format, line)
				}
			}
			if format == "github" {
				if n := strings.Count(out, "\n"); n != len(in.Findings)+1 {
					t.Errorf("github: %d lines, want one per finding and the summary:\n%s", n, out)
				}
				for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
					if strings.HasPrefix(line, "::") && strings.Count(line[:strings.Index(line[2:], "::")+2], ",") != 3 {
						t.Errorf("github: properties not escaped (a ',' or ':' of the input splits them): %q", line)
					}
				}
			}
		}
	}
	// JSON keeps the exact value.
	var b bytes.Buffer
	if err := Write(&b, "json", in); err != nil {
		t.Fatal(err)
	}
	var doc jsonDoc
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for i, f := range doc.Findings {
		want := in.Findings[i].Function
		if utf8.ValidString(want) && f.Function != want {
			t.Errorf("json: function %q, want %q", f.Function, want)
		}
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range hostileStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e := Escape(s)
		if unsafe.MatchString(e) || strings.ContainsAny(e, "\n\r") || commandLine.MatchString(e) || !utf8.ValidString(e) {
			t.Fatalf("Escape(%q) = %q: unsafe", s, e)
		}
		var b bytes.Buffer
		Writer(&b).Write([]byte(s))
		out := b.String()
		if m := regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]").FindString(out); m != "" {
			t.Fatalf("Writer(%q) = %q: raw %q", s, out, m)
		}
		if commandLine.MatchString(out) {
			t.Fatalf("Writer(%q) = %q: a workflow command", s, out)
		}
		var jb bytes.Buffer
		if err := encodeJSON(&jb, map[string]string{"v": s}); err != nil {
			t.Fatal(err)
		}
		if unsafe.Match(jb.Bytes()[:jb.Len()-1]) || bytes.Contains(jb.Bytes(), []byte("##[")) {
			t.Fatalf("JSON of %q = %q: raw", s, jb.String())
		}
		var back map[string]string
		if err := json.Unmarshal(jb.Bytes(), &back); err != nil {
			t.Fatalf("JSON of %q = %q: %v", s, jb.String(), err)
		}
		if utf8.ValidString(s) && back["v"] != s {
			t.Fatalf("JSON of %q decodes to %q", s, back["v"])
		}
	})
}
