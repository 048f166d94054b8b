// Command layerkit finds AWS Lambda import errors before deployment. See README.md.
package main

import (
	"os"
	"runtime/debug"

	"github.com/layerkit/layerkit/internal/cli"
)

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		// A soft limit: past it the collector works harder, keeping peak memory low on
		// hostile input (README "Limits"); nothing fails because of it.
		debug.SetMemoryLimit(cli.SoftMemoryLimit)
		if os.Getenv("GOGC") == "" {
			// Below that limit, collect less often than Go's default: a check is short
			// and allocates mostly what it keeps (docs/benchmarks.md: 10–15 % less CPU).
			debug.SetGCPercent(cli.GCPercent)
		}
	}
	os.Exit(cli.Main(os.Args[1:], cli.System()))
}
