package runtimes

// lambdaSets are the environment variables Lambda's runtime always sets, to non-empty
// values, and that a function's configuration cannot set or unset (reserved keys, AWS
// Lambda Developer Guide, "Defined runtime environment variables").
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

// AlwaysSet reports whether Lambda always sets environment variable name (to a non-empty
// value) on every runtime: a test of it is decided there, in any language.
func AlwaysSet(name string) bool { return lambdaSets[name] }
