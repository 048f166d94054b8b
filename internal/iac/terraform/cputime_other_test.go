//go:build !unix

package terraform

import "time"

var start = time.Now()

// cpuTime is, where rusage is not available, the wall clock.
func cpuTime() time.Duration { return time.Since(start) }
