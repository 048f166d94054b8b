package pyscan

import "bytes"

// EnvRead is a read os.environ["NAME"] of a module (EnvReads).
type EnvRead struct {
	Name      string
	Line, Col int
}

// EnvReads returns the reads os.environ["NAME"] (NAME a plain string literal) that run
// whenever the module is imported, before anything in it may change os.environ: in a
// simple statement at the module's top level (not in a def, class, if, try, with or loop,
// and not in a lambda, a conditional expression, a comprehension or after and/or). The
// reads stop at the first line, at any depth, that uses os.environ (or environ) other
// than to read a key or call .get, or that names putenv or dotenv: what runs after it
// may have set the variable. It is a separate pass over the source, run only for the
// modules a rule asks about.
//
// The second result is false when the module may change os.environ anywhere (one of
// those lines exists).
func EnvReads(src []byte) (reads []EnvRead, noWrites bool) {
	if len(src) > maxInput {
		return nil, false
	}
	if !bytes.Contains(src, []byte("environ")) && !bytes.Contains(src, []byte("putenv")) && !bytes.Contains(src, []byte("dotenv")) {
		return nil, true
	}
	lx := lexer{src: src, line: 1}
	if bytes.HasPrefix(src, utf8BOM) {
		lx.pos = len(utf8BOM)
	}
	for {
		indent, toks, ok := lx.next()
		if !ok {
			return reads, true
		}
		if len(toks) == 0 || envName(src, toks[0], "import") || envName(src, toks[0], "from") {
			continue // import os / from os import environ: no use yet
		}
		if envWrites(src, toks) {
			return reads, false
		}
		if indent > 0 {
			continue // the body of a def, class or compound statement
		}
		// the simple statements of the line (split at ';' outside brackets)
		start, depth := 0, 0
		for i := 0; i <= len(toks); i++ {
			if i < len(toks) {
				switch t := toks[i]; {
				case isOp(t, '(') || isOp(t, '[') || isOp(t, '{'):
					depth++
				case isOp(t, ')') || isOp(t, ']') || isOp(t, '}'):
					depth--
				}
				if !(isOp(toks[i], ';') && depth == 0) {
					continue
				}
			}
			reads = envStmtReads(src, toks[start:i], reads)
			start = i + 1
		}
	}
}

// envWrites reports whether the logical line toks may change os.environ: a use of environ
// other than environ[key] read or environ.get(...), or a name putenv, dotenv or load_dotenv.
func envWrites(src []byte, toks []tok) bool {
	for i, t := range toks {
		if t.kind != tkName {
			continue
		}
		switch string(src[t.start:t.end]) {
		case "putenv", "unsetenv", "dotenv", "load_dotenv", "dotenv_values":
			return true
		case "environ", "environb":
		default:
			continue
		}
		if i > 0 && isOp(toks[i-1], '.') && (i < 2 || toks[i-2].kind != tkName || string(src[toks[i-2].start:toks[i-2].end]) != "os") {
			continue // x.environ of something else than os
		}
		switch {
		case i+2 < len(toks) && isOp(toks[i+1], '.') && toks[i+2].kind == tkName && string(src[toks[i+2].start:toks[i+2].end]) == "get":
			continue
		case i+1 < len(toks) && isOp(toks[i+1], '['):
			j, depth := i+1, 0
			for ; j < len(toks); j++ {
				if isOp(toks[j], '[') {
					depth++
				} else if isOp(toks[j], ']') {
					if depth--; depth == 0 {
						break
					}
				}
			}
			if j++; j < len(toks) && (isOp(toks[j], '=') || toks[j].kind == tkOp && toks[j].op == opAug) {
				return true // os.environ[k] = ..., += ...
			}
			if envName(src, toks[0], "del") {
				return true
			}
			continue
		}
		return true
	}
	return false
}

func envName(src []byte, t tok, w string) bool {
	return t.kind == tkName && string(src[t.start:t.end]) == w
}

// envStmtReads appends the reads os.environ["KEY"] of the simple statement toks, unless
// something in it decides whether they run.
func envStmtReads(src []byte, toks []tok, reads []EnvRead) []EnvRead {
	if len(toks) == 0 || isOp(toks[0], '@') {
		return reads
	}
	if toks[0].kind == tkName {
		switch string(src[toks[0].start:toks[0].end]) {
		case "if", "elif", "else", "while", "for", "try", "except", "finally", "with",
			"def", "class", "async", "match", "case", "del", "return", "yield", "global", "nonlocal":
			return reads
		}
	}
	for _, t := range toks {
		if t.kind != tkName {
			continue
		}
		switch string(src[t.start:t.end]) {
		case "if", "lambda", "and", "or", "for", "yield", "await":
			return reads // may not run: a conditional expression, a comprehension, ...
		}
	}
	for i := 0; i+5 < len(toks); i++ {
		if !envName(src, toks[i], "os") || !isOp(toks[i+1], '.') || !envName(src, toks[i+2], "environ") ||
			!isOp(toks[i+3], '[') || toks[i+4].kind != tkString || !isOp(toks[i+5], ']') {
			continue
		}
		if i > 0 && isOp(toks[i-1], '.') {
			continue // x.os.environ
		}
		key, ok := plainString(src[toks[i+4].start:toks[i+4].end])
		if !ok || !ValidIdentifier(key) {
			continue
		}
		col := toks[i].start - int32(bytes.LastIndexByte(src[:toks[i].start], '\n')) // 1-based
		reads = append(reads, EnvRead{Name: key, Line: int(toks[i].line), Col: int(col)})
	}
	return reads
}

// plainString is the value of a string literal without prefix or escapes ("X", 'X').
func plainString(b []byte) (string, bool) {
	if len(b) < 2 || (b[0] != '"' && b[0] != '\'') || b[len(b)-1] != b[0] {
		return "", false
	}
	inner := b[1 : len(b)-1]
	if bytes.IndexByte(inner, '\\') >= 0 || bytes.IndexByte(inner, b[0]) >= 0 {
		return "", false
	}
	return string(inner), true
}
