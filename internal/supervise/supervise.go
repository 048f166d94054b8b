// Package supervise gives a crash its own exit status. Go ends a process that panics or
// hits a fatal error (out of memory, stack overflow, concurrent map writes: none can be
// recovered) with status 2, which is layerkit's status for bad input; so layerkit runs
// as two processes. The first, the supervisor, starts a copy of itself (the worker)
// with the same arguments, streams and environment, and exits as the worker did — its
// own statuses unchanged, a crash as 3 (README "Exit codes").
//
// The supervisor does this from this package's init, which Go runs before the
// heavier packages' (it imports only os, os/signal, strconv, syscall and time): it
// never initializes the rest of the program, so it costs little more than an exec
// (docs/benchmarks.md). LAYERKIT_NO_SUPERVISOR=1 runs everything in one process (a
// crash then exits 2).
//
// Only cmd/layerkit imports this package: a test binary that linked it would supervise
// itself.
package supervise

// ExitCrash is the status of a crash.
const ExitCrash = 3

// Exit returns the status the process must exit with to report code: in a worker,
// code shifted past the statuses the Go runtime uses, which the supervisor shifts back.
func Exit(code int) int {
	if !worker {
		return code
	}
	if code < 0 || code > 255-childOffset {
		code = 1
	}
	return code + childOffset
}

// childOffset is added to the worker's own exit statuses, so that the supervisor can
// tell them from the status 2 the Go runtime exits with on a panic or fatal error.
const childOffset = 100

// worker is true in the worker process.
var worker bool
