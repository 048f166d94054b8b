//go:build unix

package hostile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// This file: a crash exits 3 (internal/supervise). The binary is built with the crash
// hooks of cmd/layerkit/crash_test_hook.go (-tags crashtest).

const childEnv = "LAYERKIT_SUPERVISOR_PID"

// buildBinary builds the crashtest binary once for the tests that need it (in TestMain's
// folder, removed at the end): a link takes seconds on a loaded machine.
func buildBinary(t *testing.T) string {
	t.Helper()
	crashOnce.Do(func() {
		p := filepath.Join(filepath.Dir(bin), "layerkit-crashtest")
		cmd := exec.Command("go", "build", "-tags", "crashtest", "-o", p, "github.com/layerkit/layerkit/cmd/layerkit")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			crashErr = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		crashBin = p
	})
	if crashErr != nil {
		t.Fatal(crashErr)
	}
	return crashBin
}

var (
	crashOnce sync.Once
	crashBin  string
	crashErr  error
)

func runCrashBin(t *testing.T, bin string, env []string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = filepath.Join("..", "..", "examples", "healthy")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "NO_COLOR=1"}, env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	var ee *exec.ExitError
	if err != nil && !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return cmd.ProcessState.ExitCode(), stderr.String()
}

// TestCrashExitsThree: every kind of Go crash — a panic, one in a goroutine, fatal
// errors that cannot be recovered, a crash signal — exits 3, and the runtime's own
// report is still on stderr; layerkit's own statuses pass through unchanged.
func TestCrashExitsThree(t *testing.T) {
	bin := buildBinary(t)
	for _, c := range []struct{ crash, want string }{
		{"panic", "panic: test panic"},
		{"goroutine", "panic: test panic in a goroutine"},
		{"fatal", "fatal error: sync: unlock of unlocked mutex"},
		{"stack", "fatal error: stack overflow"},
		{"segv", "SIGSEGV"},
		{"exit2", ""},
	} {
		code, stderr := runCrashBin(t, bin, []string{"LAYERKIT_TEST_CRASH=" + c.crash}, "check")
		if code != 3 {
			t.Errorf("%s: exit %d, want 3; stderr:\n%s", c.crash, code, stderr)
		}
		if !strings.Contains(stderr, c.want) || !strings.Contains(stderr, "layerkit: crashed") {
			t.Errorf("%s: stderr lacks %q and layerkit's line:\n%s", c.crash, c.want, stderr)
		}
		// In one process, Go's own status: what the supervisor is there for.
		if code, _ := runCrashBin(t, bin, []string{"LAYERKIT_TEST_CRASH=" + c.crash, "LAYERKIT_NO_SUPERVISOR=1"}, "check"); c.crash != "segv" && code != 2 {
			t.Errorf("%s without the supervisor: exit %d, want Go's 2", c.crash, code)
		}
	}
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"check"}, 0},
		{[]string{"check", "--fail-on", "info", "--ignore", "LK000"}, -1}, // 0 or 1: whatever check says
		{[]string{"check", "--no-such-flag"}, 2},
		{[]string{"check", "no/such/folder"}, 2},
		{[]string{"--version"}, 0},
	} {
		code, stderr := runCrashBin(t, bin, nil, c.args...)
		if c.want >= 0 && code != c.want || code > 2 {
			t.Errorf("layerkit %s: exit %d, want %d; stderr:\n%s", strings.Join(c.args, " "), code, c.want, stderr)
		}
		if strings.Contains(stderr, "crashed") {
			t.Errorf("layerkit %s: %s", strings.Join(c.args, " "), stderr)
		}
	}
}

// TestSupervisorSignals: a signal to the supervisor reaches the worker, and the
// supervisor ends by the same signal, as a shell or CI expects.
func TestSupervisorSignals(t *testing.T) {
	bin := buildBinary(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		cmd := exec.Command(bin, "check")
		cmd.Dir = filepath.Join("..", "..", "examples", "healthy")
		cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LAYERKIT_TEST_CRASH=sleep"}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond) // the worker is started and sleeping
		start := time.Now()
		cmd.Process.Signal(sig)
		err := cmd.Wait()
		ws := cmd.ProcessState.Sys().(syscall.WaitStatus)
		if !ws.Signaled() || ws.Signal() != sig {
			t.Errorf("after %v: %v (%v), want killed by %v", sig, ws, err, sig)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("after %v: ended only after %v", sig, d)
		}
	}
}

// TestWorkerEnvironment: nothing the worker starts sees the supervisor's marker.
func TestWorkerEnvironment(t *testing.T) {
	bin := buildBinary(t)
	if code, stderr := runCrashBin(t, bin, []string{"LAYERKIT_TEST_CRASH=env"}, "check"); code != 0 {
		t.Errorf("exit %d: the worker saw %s; stderr:\n%s", code, childEnv, stderr)
	}
	// A marker that does not name the parent is ignored: that process supervises.
	if code, stderr := runCrashBin(t, bin, []string{"LAYERKIT_TEST_CRASH=panic", childEnv + "=1"}, "check"); code != 3 {
		t.Errorf("with a stale %s: exit %d, want 3; stderr:\n%s", childEnv, code, stderr)
	}
}
