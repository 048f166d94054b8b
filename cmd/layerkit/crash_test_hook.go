//go:build crashtest

package main

import (
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/layerkit/layerkit/internal/supervise"
)

// testCrash crashes the way LAYERKIT_TEST_CRASH says; only in a binary built with
// -tags crashtest (main_test.go), never in layerkit itself.
func testCrash() {
	switch os.Getenv("LAYERKIT_TEST_CRASH") {
	case "panic":
		panic("test panic")
	case "goroutine":
		go func() { panic("test panic in a goroutine") }()
		time.Sleep(time.Minute)
	case "fatal":
		var mu sync.Mutex
		mu.Unlock() // fatal error: sync: unlock of unlocked mutex (cannot be recovered)
	case "stack":
		debug.SetMaxStack(1 << 20)
		var f func(int) int
		f = func(n int) int { return f(n+1) + 1 }
		f(0) // fatal error: stack overflow
	case "segv":
		debug.SetTraceback("crash") // the runtime aborts: SIGABRT
		var p *int
		_ = *p
	case "sleep": // not a crash: a long run, for signals
		time.Sleep(time.Minute)
	case "env": // the worker's environment must not show the supervisor's marker
		if _, ok := os.LookupEnv("LAYERKIT_SUPERVISOR_PID"); ok {
			os.Exit(supervise.Exit(1))
		}
	case "exit2":
		os.Exit(2) // what a worker must never do: the supervisor counts it as a crash
	}
}
