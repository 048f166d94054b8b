// Package pysyntax finds what a Lambda Python runtime cannot compile: the source errors
// that end a cold start in Runtime.UserCodeSyntaxError before any import runs.
//
// It is not a parser. It reads a file once with CPython's tokenizer rules (strings and
// f-strings as Python 3.12 reads them, brackets, indentation, line continuations) and
// reports only what it can prove:
//
//   - errors on every Python 3: unterminated strings, unbalanced brackets, inconsistent
//     indentation, an indented line after a line that opens no block and a block header
//     with no indented body, characters that are not Python, two names side by side
//     (Python 2's print statement), leading zeros in integers;
//   - syntax newer than the runtime: the walrus operator (3.8), the match statement
//     (3.10), except* (3.11), type statements and type parameters (3.12), f-strings that
//     reuse their quote, hold a backslash or a comment, or span lines (3.12, PEP 701),
//     template strings (3.14).
//
// Anything it does not understand (a NUL byte, a form feed in indentation, bytes that
// are not UTF-8, which a coding cookie may make legal) makes it report nothing for the
// file: a missed error is a lesser harm than a false one. pyscan, the import scanner,
// reads the same files forgivingly and version-blind; the two answer different
// questions, so each keeps its own reading.
package pysyntax

import (
	"fmt"
	"sort"
)

// Problem is one construct that does not compile on some Python 3 versions.
type Problem struct {
	Line, Col int // 1-based; Col counts characters
	// Since is the first Python 3 minor version that accepts the construct (10 for a
	// match statement); 0 when no version does.
	Since int
	// What names a construct newer than some runtimes ("a match statement").
	What string
	kind kind
	arg  string // the character, bracket or line the message names
	arg2 string
}

// Summary is what Check found in one file.
type Summary struct {
	// Problems in file order. At most one has Since == 0: reading stops there.
	Problems []Problem
}

// First returns the first problem that stops Python 3.minor from compiling the file,
// or nil when it compiles as far as Check can tell.
func (s *Summary) First(minor int) *Problem {
	if s == nil {
		return nil
	}
	for i := range s.Problems {
		if p := &s.Problems[i]; p.Since == 0 || minor < p.Since {
			return p
		}
	}
	return nil
}

// Message is what Python 3.minor prints for p, after "SyntaxError: " (or
// "IndentationError: ", "TabError: ", see Exception).
func (p *Problem) Message(minor int) string {
	switch p.kind {
	case kUntermString:
		if minor >= 10 {
			return fmt.Sprintf("unterminated string literal (detected at line %d)", p.Line)
		}
		return "EOL while scanning string literal"
	case kUntermTriple:
		if minor >= 10 {
			return fmt.Sprintf("unterminated triple-quoted string literal (detected at line %s)", p.arg)
		}
		return "EOF while scanning triple-quoted string literal"
	case kUnclosed:
		if minor >= 10 {
			return fmt.Sprintf("'%s' was never closed", p.arg)
		}
		return "unexpected EOF while parsing"
	case kMismatch:
		if minor >= 8 {
			return fmt.Sprintf("closing parenthesis '%s' does not match opening parenthesis '%s'", p.arg, p.arg2)
		}
	case kUnmatched:
		if minor >= 8 {
			return fmt.Sprintf("unmatched '%s'", p.arg)
		}
	case kDedent:
		return "unindent does not match any outer indentation level"
	case kTab:
		return "inconsistent use of tabs and spaces in indentation"
	case kUnexpectedIndent:
		return "unexpected indent"
	case kExpectedIndent:
		return "expected an indented block"
	case kContinuation:
		return "unexpected character after line continuation character"
	case kInvalidChar:
		return fmt.Sprintf("invalid character '%s' (U+%04X)", p.arg, []rune(p.arg)[0])
	case kPrint:
		return "Missing parentheses in call to 'print'. Did you mean print(...)?"
	case kLeadingZero:
		if minor >= 8 {
			return "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
		}
	case kSingleBrace:
		return "f-string: single '}' is not allowed"
	case kEmptyField:
		if minor >= 12 {
			return "f-string: valid expression required before '}'"
		}
		return "f-string: empty expression not allowed"
	case kBackslashField:
		if minor < 12 {
			return "f-string expression part cannot include a backslash"
		}
		return "unexpected character after line continuation character"
	case kCommentField:
		if minor < 12 {
			return "f-string expression part cannot include '#'"
		}
	case kAnnotation:
		return "illegal target for annotation"
	}
	return "invalid syntax"
}

// Exception is the exception class Python raises for p: SyntaxError,
// IndentationError or TabError.
func (p *Problem) Exception() string {
	switch p.kind {
	case kDedent, kUnexpectedIndent, kExpectedIndent:
		return "IndentationError"
	case kTab:
		return "TabError"
	}
	return "SyntaxError"
}

type kind uint8

const (
	kNewer kind = iota // a construct newer than some versions (What, Since)
	kUntermString
	kUntermTriple
	kUnclosed
	kMismatch
	kUnmatched
	kDedent
	kTab
	kUnexpectedIndent
	kExpectedIndent
	kContinuation
	kInvalidChar
	kInvalid
	kPrint
	kLeadingZero
	kSingleBrace
	kEmptyField
	kBackslashField
	kCommentField
	kAnnotation
)

// Check reads src, a Python source file, and returns what stops some Python 3 from
// compiling it; nil when nothing does, or when it cannot tell.
func Check(src []byte) *Summary {
	r := getReader(src)
	defer putReader(r)
	if !r.run() || len(r.problems) == 0 {
		return nil
	}
	sort.SliceStable(r.problems, func(i, j int) bool {
		a, b := r.problems[i], r.problems[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	// Keep what comes before the first error of every version, and that error.
	for i, p := range r.problems {
		if p.Since == 0 {
			r.problems = r.problems[:i+1]
			break
		}
	}
	return &Summary{Problems: r.problems}
}
