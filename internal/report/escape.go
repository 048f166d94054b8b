package report

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/layerkit/layerkit/internal/finding"
)

// Everything layerkit prints about an input (names, paths, messages, verify's captured
// interpreter output) comes from a repository nobody reviewed yet. Before it reaches a
// terminal or a CI log, this file makes it inert, in one place:
//
//   - control characters are shown, not sent: C0 (\n, \r, \t, \x1b, \x07...), DEL,
//     C1 (\u0085, \u009b...), Unicode line and paragraph separators, and the bidi
//     embeddings, overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069,
//     U+200E, U+200F, U+061C) that make a terminal show text in another order;
//     invalid UTF-8 bytes are shown as \xNN (a raw 0x9b is CSI to some terminals);
//   - nothing reads as a GitHub Actions workflow command: a runner takes a line whose
//     first non-blank characters are "::" as a command (::error, ::add-mask::,
//     ::stop-commands::), and "##[command]" anywhere in a line as the older form, so a
//     ':' that starts a line is shown as \x3a and the '[' of "##[" as \x5b.
//
// Text and github formats escape every string of the input (Escape); JSON and SARIF
// keep the exact value and let the encoder write these characters as \uXXXX
// (encodeJSON); the other commands' free-form output goes through Writer.

// Escape returns s with control, bidi and separator characters and invalid UTF-8
// shown as escapes, a leading "::" and every "##[" defused: safe anywhere in a line.
func Escape(s string) string {
	if isPlain(s) {
		return s
	}
	var b strings.Builder
	st := lineState{start: true}
	st.escape(&b, s, false)
	return b.String()
}

// isPlain reports whether s needs no escaping (the common case: no allocation).
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '[' {
			return false
		}
	}
	return !strings.HasPrefix(strings.TrimLeft(s, " "), ":")
}

// lineState is what escaping needs to know about the text before: whether only blanks
// are on the line so far, and whether it ends with "##".
type lineState struct {
	start  bool // at the start of a line, or after blanks only
	hashes int  // '#' characters just before (0, 1, 2)
}

// escape appends s to b, escaped; keepLines keeps '\n' and '\t' (free-form output).
func (st *lineState) escape(b *strings.Builder, s string, keepLines bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size <= 1 {
			fmt.Fprintf(b, `\x%02x`, s[i])
			st.start, st.hashes = false, 0
			i++
			continue
		}
		i += size
		switch {
		case keepLines && r == '\n':
			b.WriteByte('\n')
			st.start, st.hashes = true, 0
			continue
		case keepLines && r == '\t', r == ' ':
			b.WriteRune(r)
			st.hashes = 0
			continue
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(b, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f, r == 0x061c, r == 0x200e, r == 0x200f, r == 0x2028, r == 0x2029,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			fmt.Fprintf(b, `\u%04x`, r)
		case r == ':' && st.start:
			b.WriteString(`\x3a`)
		case r == '[' && st.hashes >= 2:
			b.WriteString(`\x5b`)
		default:
			b.WriteRune(r)
			st.start = false
			if r == '#' {
				st.hashes++
			} else {
				st.hashes = 0
			}
			continue
		}
		st.start, st.hashes = false, 0
	}
}

// Writer returns a writer that passes text to w with every line made inert as Escape
// does, keeping line breaks and tabs: for output that mixes layerkit's words with the
// input's (verify, inspect, build, error messages). Each Write should hold whole
// characters (fmt's writes do).
func Writer(w io.Writer) io.Writer {
	return &safeWriter{w: w, st: lineState{start: true}}
}

type safeWriter struct {
	w  io.Writer
	st lineState
}

func (sw *safeWriter) Write(p []byte) (int, error) {
	var b strings.Builder
	sw.st.escape(&b, string(p), true)
	if _, err := io.WriteString(sw.w, b.String()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// escapeJSONText rewrites, in JSON text, the characters encoding/json writes as they are
// but a terminal acts on (C1 controls, bidi, line separators) as \uXXXX escapes, and the
// '[' of "##[" (a runner's older command form) as \u005b: the decoded value stays the
// same. encoding/json already escapes C0 controls and U+2028/9, and replaces invalid
// UTF-8 with U+FFFD; no line of indented JSON starts with "::".
func escapeJSONText(data []byte) []byte {
	if !bytes.ContainsFunc(data, needsJSONEscape) && !bytes.Contains(data, []byte("##[")) {
		return data
	}
	out := make([]byte, 0, len(data)+16)
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if needsJSONEscape(r) || r == '[' && bytes.HasSuffix(out, []byte("##")) {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, data[i:i+size]...)
		}
		i += size
	}
	return out
}

func needsJSONEscape(r rune) bool {
	return r >= 0x7f && r <= 0x9f || r == 0x061c || r == 0x200e || r == 0x200f || r == 0x2028 || r == 0x2029 ||
		r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// escapeInput returns a copy of in with the strings of its header escaped (Escape):
// what text and github print. Findings are escaped one at a time as they are written
// (escapeFinding).
func escapeInput(in Input) Input {
	in.Checked = Escape(in.Checked)
	if len(in.Archives) > 0 {
		archives := make(map[string]bool, len(in.Archives))
		for a := range in.Archives {
			archives[Escape(a)] = true
		}
		in.Archives = archives
	}
	fl := make([]FunctionLine, len(in.Functions))
	for i, l := range in.Functions {
		l.Name, l.Kind, l.Runtime, l.Arch, l.Skipped = Escape(l.Name), Escape(l.Kind), Escape(l.Runtime), Escape(l.Arch), Escape(l.Skipped)
		layers := make([]string, len(l.Layers))
		for j, s := range l.Layers {
			layers[j] = Escape(s)
		}
		l.Layers = layers
		fl[i] = l
	}
	in.Functions = fl
	return in
}

// escapeFinding is f with every string escaped (Escape): the text and github formats
// escape each finding as they write it, rather than a copy of them all.
func escapeFinding(f finding.Finding) finding.Finding {
	f.Function, f.Layer = Escape(f.Function), Escape(f.Layer)
	f.Pos.File, f.Message, f.Hint = Escape(f.Pos.File), Escape(f.Message), Escape(f.Hint)
	return f
}
