package jsscan

import (
	"github.com/tdewolff/parse/v2/js"
)

// lambdaSets are environment variables Lambda's runtime always sets, to non-empty
// values, and that a function's configuration cannot set or unset (reserved keys,
// AWS Lambda Developer Guide, "Defined runtime environment variables"). A test of one
// is decided on Lambda: `process.env.LAMBDA_TASK_ROOT ? require('/opt/nodejs/x') :
// require('../../layers/x')` never runs its local-development branch there.
var lambdaSets = map[string]bool{
	"LAMBDA_TASK_ROOT":                true,
	"LAMBDA_RUNTIME_DIR":              true,
	"AWS_EXECUTION_ENV":               true,
	"AWS_LAMBDA_FUNCTION_NAME":        true,
	"AWS_LAMBDA_FUNCTION_VERSION":     true,
	"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true,
	"AWS_LAMBDA_RUNTIME_API":          true,
	"AWS_LAMBDA_LOG_GROUP_NAME":       true,
	"AWS_LAMBDA_LOG_STREAM_NAME":      true,
	"AWS_REGION":                      true,
}

// onLambda decides test e as it evaluates on Lambda, when it only reads environment
// variables Lambda sets (lambdaSets): known is false for any other test. It reads
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
	return ok && freeVar(unparen(env.X)) == "process" && literalIs(env.Y, "env") && lambdaSets[name]
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
