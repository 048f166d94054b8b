// Command layerkit finds AWS Lambda import errors before deployment. See README.md.
package main

import (
	"fmt"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"

	"github.com/layerkit/layerkit/internal/cli"
	// Imported first: its init runs layerkit as a supervised worker process, so that a
	// crash exits 3, not Go's 2 (internal/supervise).
	"github.com/layerkit/layerkit/internal/supervise"
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
	os.Exit(supervise.Exit(run()))
}

func run() int {
	// LAYERKIT_CPUPROFILE=FILE writes a CPU profile of the run (docs/benchmarks.md).
	if p := os.Getenv("LAYERKIT_CPUPROFILE"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "layerkit: LAYERKIT_CPUPROFILE:", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "layerkit: LAYERKIT_CPUPROFILE:", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	// LAYERKIT_TRACE=FILE writes an execution trace (go tool trace FILE): where a
	// check waits, and what runs in parallel.
	if p := os.Getenv("LAYERKIT_TRACE"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			fmt.Fprintln(os.Stderr, "layerkit: LAYERKIT_TRACE:", err)
			return 2
		}
		defer f.Close()
		if err := trace.Start(f); err != nil {
			fmt.Fprintln(os.Stderr, "layerkit: LAYERKIT_TRACE:", err)
			return 2
		}
		defer trace.Stop()
	}
	testCrash()
	return cli.Main(os.Args[1:], cli.System())
}
