package fix

import (
	"bytes"
	"unicode/utf8"
)

// Offset is the byte offset in src of line and col (both 1-based; col counts
// characters, as the YAML parser and model.Pos do); ok is false when src has no such
// place.
func Offset(src []byte, line, col int) (int, bool) {
	if line < 1 || col < 1 {
		return 0, false
	}
	at := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src[at:], '\n')
		if i < 0 {
			return 0, false
		}
		at += i + 1
	}
	for c := 1; c < col; c++ {
		if at >= len(src) || src[at] == '\n' {
			return 0, false
		}
		_, n := utf8.DecodeRune(src[at:])
		at += n
	}
	return at, true
}

// LineStart is the offset of the start of the line that holds offset at.
func LineStart(src []byte, at int) int {
	return bytes.LastIndexByte(src[:at], '\n') + 1
}

// LineEnd is the offset just past the end of the line that holds offset at (past its
// newline; len(src) on a last line without one).
func LineEnd(src []byte, at int) int {
	if i := bytes.IndexByte(src[at:], '\n'); i >= 0 {
		return at + i + 1
	}
	return len(src)
}
