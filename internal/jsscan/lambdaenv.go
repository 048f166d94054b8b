package jsscan

import (
	"github.com/tdewolff/parse/v2/js"

	"github.com/layerkit/layerkit/internal/runtimes"
)

// onLambda decides test e as it evaluates on Lambda, when it only reads environment
// variables Lambda always sets (runtimes.AlwaysSet): `process.env.LAMBDA_TASK_ROOT ?
// require('/opt/nodejs/x') : require('../../layers/x')` never runs its local-development
// branch there. known is false for any other test. It reads
// process.env.NAME and process.env['NAME'] (truthy), !, &&, ||, and comparisons of
// such a read with undefined or null.
func onLambda(e js.IExpr) (value, known bool) {
	switch n := unparen(e).(type) {
	case *js.DotExpr, *js.IndexExpr:
		return true, lambdaEnvRead(n)
	case *js.UnaryExpr:
		if n.Op == js.NotToken {
			v, ok := onLambda(n.X)
			return !v, ok
		}
	case *js.BinaryExpr:
		switch n.Op {
		case js.AndToken, js.OrToken:
			x, xok := onLambda(n.X)
			if xok && x == (n.Op == js.OrToken) {
				return x, true // true || …, false && …
			}
			y, yok := onLambda(n.Y)
			if xok && yok {
				return y, true
			}
			if yok && y == (n.Op == js.OrToken) {
				return y, true
			}
		case js.EqEqToken, js.EqEqEqToken, js.NotEqToken, js.NotEqEqToken:
			read, other := n.X, n.Y
			if !lambdaEnvRead(unparen(read)) {
				read, other = other, read
			}
			if !lambdaEnvRead(unparen(read)) || !isNullish(other) {
				return false, false
			}
			// a set variable is a string: never undefined, never null
			return n.Op == js.NotEqToken || n.Op == js.NotEqEqToken, true
		}
	}
	return false, false
}

// lambdaEnvRead reports whether e is process.env.NAME or process.env['NAME'] with
// NAME one Lambda sets, process being the global (not a binding of the file).
func lambdaEnvRead(e js.IExpr) bool {
	var obj js.IExpr
	name := ""
	switch n := e.(type) {
	case *js.DotExpr:
		d, ok := literalData(n.Y)
		if !ok {
			return false
		}
		obj, name = n.X, string(d)
	case *js.IndexExpr:
		s, _, ok := stringLit(unparen(n.Y))
		if !ok {
			return false
		}
		obj, name = n.X, s
	default:
		return false
	}
	env, ok := unparen(obj).(*js.DotExpr)
	return ok && freeVar(unparen(env.X)) == "process" && literalIs(env.Y, "env") && runtimes.AlwaysSet(name)
}

// isNullish reports whether e is undefined (the global) or null.
func isNullish(e js.IExpr) bool {
	e = unparen(e)
	if freeVar(e) == "undefined" {
		return true
	}
	if l, ok := e.(*js.LiteralExpr); ok {
		return l.TokenType == js.NullToken
	}
	return false
}
