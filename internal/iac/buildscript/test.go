package buildscript

import (
	"regexp"
	"strconv"

	"mvdan.cc/sh/v3/syntax"
)

// testArgs evaluates test / [ arguments: ! , unary file and string tests, binary
// string and integer comparisons, -a / -o between them.
func (sh *shell) testArgs(a []string) (bool, bool) {
	for i, s := range a {
		if s == "-o" && i > 0 {
			x, ok1 := sh.testArgs(a[:i])
			y, ok2 := sh.testArgs(a[i+1:])
			return x || y, ok1 && ok2
		}
	}
	for i, s := range a {
		if s == "-a" && i > 0 {
			x, ok1 := sh.testArgs(a[:i])
			y, ok2 := sh.testArgs(a[i+1:])
			return x && y, ok1 && ok2
		}
	}
	switch len(a) {
	case 0:
		return false, true
	case 1:
		return a[0] != "", true
	case 2:
		if a[0] == "!" {
			v, ok := sh.testArgs(a[1:])
			return !v, ok
		}
		return sh.unary(a[0], a[1])
	case 3:
		if a[0] == "!" {
			v, ok := sh.testArgs(a[1:])
			return !v, ok
		}
		return sh.binary(a[1], a[0], a[2], false)
	}
	if a[0] == "!" {
		v, ok := sh.testArgs(a[1:])
		return !v, ok
	}
	return false, false
}

func (sh *shell) unary(op, x string) (bool, bool) {
	switch op {
	case "-z":
		return x == "", true
	case "-n":
		return x != "", true
	case "-e", "-f", "-d", "-s", "-r", "-x", "-w", "-L", "-h":
		abs, ok := sh.abs(x)
		if !ok {
			return false, false
		}
		n := sh.r.fs.lookup(abs)
		switch op {
		case "-f", "-s":
			return n != nil && !n.dir, true
		case "-d":
			return n != nil && n.dir, true
		case "-L", "-h":
			return false, true
		}
		return n != nil, true
	}
	return false, false
}

func (sh *shell) binary(op, x, y string, pattern bool) (bool, bool) {
	switch op {
	case "=", "==":
		if pattern {
			return sh.r.match(y, x), true
		}
		return x == y, true
	case "!=":
		if pattern {
			return !sh.r.match(y, x), true
		}
		return x != y, true
	case "-eq", "-ne", "-lt", "-le", "-gt", "-ge":
		a, err1 := strconv.Atoi(x)
		b, err2 := strconv.Atoi(y)
		if err1 != nil || err2 != nil {
			return false, false
		}
		switch op {
		case "-eq":
			return a == b, true
		case "-ne":
			return a != b, true
		case "-lt":
			return a < b, true
		case "-le":
			return a <= b, true
		case "-gt":
			return a > b, true
		}
		return a >= b, true
	case "=~":
		re, err := regexp.Compile(y)
		if err != nil {
			return false, false
		}
		return re.MatchString(x), true
	}
	return false, false
}

// test evaluates a [[ ]] expression; ok is false when an operand cannot be known.
func (sh *shell) test(x syntax.TestExpr) (bool, bool) {
	switch x := x.(type) {
	case *syntax.Word:
		s, ok := sh.word(x)
		return s != "", ok
	case *syntax.ParenTest:
		return sh.test(x.X)
	case *syntax.UnaryTest:
		if x.Op == syntax.TsNot {
			v, ok := sh.test(x.X)
			return !v, ok
		}
		w, isWord := x.X.(*syntax.Word)
		if !isWord {
			return false, false
		}
		s, ok := sh.word(w)
		if !ok {
			return false, false
		}
		return sh.unary(x.Op.String(), s)
	case *syntax.BinaryTest:
		switch x.Op {
		case syntax.AndTest:
			a, ok1 := sh.test(x.X)
			b, ok2 := sh.test(x.Y)
			return a && b, ok1 && ok2
		case syntax.OrTest:
			a, ok1 := sh.test(x.X)
			b, ok2 := sh.test(x.Y)
			return a || b, ok1 && ok2
		}
		lw, ok1 := x.X.(*syntax.Word)
		rw, ok2 := x.Y.(*syntax.Word)
		if !ok1 || !ok2 {
			return false, false
		}
		l, ok1 := sh.word(lw)
		var r string
		if x.Op == syntax.TsMatch || x.Op == syntax.TsMatchShort || x.Op == syntax.TsNoMatch {
			r, ok2 = sh.pattern(rw)
			return sh.binaryOK(x.Op.String(), l, r, true, ok1 && ok2)
		}
		r, ok2 = sh.word(rw)
		return sh.binaryOK(x.Op.String(), l, r, false, ok1 && ok2)
	}
	return false, false
}

func (sh *shell) binaryOK(op, l, r string, pattern, known bool) (bool, bool) {
	if !known {
		return false, false
	}
	return sh.binary(op, l, r, pattern)
}
