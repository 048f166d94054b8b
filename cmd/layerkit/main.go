// Command layerkit finds AWS Lambda import errors before deployment. See README.md.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
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
	// LAYERKIT_CPUPROFILE=FILE writes a CPU profile of the run, LAYERKIT_MEMPROFILE=FILE
	// its allocations (go tool pprof -sample_index=alloc_space), LAYERKIT_TRACE=FILE an
	// execution trace (go tool trace FILE: where a check waits, what runs in parallel);
	// docs/benchmarks.md.
	var allocs io.Writer
	for _, r := range []recorder{
		{"LAYERKIT_CPUPROFILE", pprof.StartCPUProfile, func() error { pprof.StopCPUProfile(); return nil }},
		{"LAYERKIT_MEMPROFILE", func(w io.Writer) error { allocs = w; return nil }, func() error { runtime.GC(); return pprof.Lookup("allocs").WriteTo(allocs, 0) }},
		{"LAYERKIT_TRACE", trace.Start, func() error { trace.Stop(); return nil }},
	} {
		stop, err := r.start()
		if err != nil {
			fmt.Fprintf(os.Stderr, "layerkit: %s: %v\n", r.env, err)
			return 2
		}
		defer stop()
	}
	testCrash()
	return cli.Main(os.Args[1:], cli.System())
}

// recorder writes what the runtime records of the run to the file its environment
// variable names.
type recorder struct {
	env   string
	begin func(io.Writer) error
	end   func() error
}

// start starts recording when r.env is set; stop ends it and closes the file, saying
// on stderr when the file could not be written (the run's exit code stays its own).
func (r recorder) start() (stop func(), err error) {
	p := os.Getenv(r.env)
	if p == "" {
		return func() {}, nil
	}
	f, err := os.Create(p)
	if err != nil {
		return nil, err
	}
	if err := r.begin(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		err := r.end()
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "layerkit: %s: %v\n", r.env, err)
		}
	}, nil
}
