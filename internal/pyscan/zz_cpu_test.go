package pyscan

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

func threadCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func procCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func TestZZCPU(t *testing.T) {
	runtime.LockOSThread()
	src := benchSource(2000)
	for _, name := range []string{"lex", "scan"} {
		best := 0.0
		for r := 0; r < 5; r++ {
			n := 300
			p0 := procCPU()
			for i := 0; i < n; i++ {
				if name == "lex" {
					lx := lexer{src: src, line: 1}
					for {
						if _, _, ok := lx.next(); !ok {
							break
						}
					}
				} else {
					Scan(src)
				}
			}
			d := procCPU() - p0
			mbs := float64(len(src)*n) / d.Seconds() / 1e6
			if mbs > best {
				best = mbs
			}
		}
		t.Logf("%s: %.1f MB/s of process CPU time", name, best)
	}
}
