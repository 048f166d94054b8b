package verify

import (
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// The imported code runs under an intermediate process, a copy of layerkit started
// with the function's Lambda environment only (nothing of layerkit's own): the code's
// parent, whose /proc/<ppid>/environ and cwd it can read, holds nothing secret. The
// intermediate:
//   - is the child subreaper (PR_SET_CHILD_SUBREAPER) of everything the code starts, so
//     a double-forked setsid() daemon is re-parented to it, not to init;
//   - when python exits, or the intermediate is told to stop (SIGTERM from layerkit at
//     the timeout or on cancellation), kills its children — python, and every process
//     re-parented to it as python's descendants die — round after round until it has
//     no child left: nothing the import started outlives verify;
//   - passes the verdict pipe (fd 3) through to python without reading it;
//   - where the kernel has Landlock, lets the import write only below verify's private
//     folder, /tmp and /dev (landlock_linux.go).
// It runs from this package's init when sandboxEnv is set, before layerkit's command
// line, and exits there.

const (
	prSetDumpable       = 4
	prSetChildSubreaper = 36
)

func init() {
	if _, ok := os.LookupEnv(sandboxEnv); ok && len(os.Args) > 1 {
		os.Exit(runSandbox(os.Args[1:]))
	}
}

// sandboxAvailable reports whether run starts python under the intermediate.
const sandboxAvailable = true

// runSandbox is the intermediate's main: argv is python's command line.
func runSandbox(argv []string) int {
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		os.Stderr.WriteString("layerkit verify: cannot become the subreaper of the import: " + errno.Error() + "\n")
		return 125
	}
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, sandboxEnv+"=") && !strings.HasPrefix(kv, "LAYERKIT_NO_SUPERVISOR=") {
			env = append(env, kv)
		}
	}
	// LAYERKIT_VERIFY_SANDBOX holds the function's private folder: with /tmp and /dev,
	// the only places the import may write (landlock_linux.go).
	if root := os.Getenv(sandboxEnv); root != "" {
		restrictWrites([]string{root, "/tmp", "/dev"})
	}
	stop := make(chan os.Signal, 2)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	verdict := os.NewFile(3, "verdict")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, os.Stdout, os.Stderr
	cmd.ExtraFiles = []*os.File{verdict}
	if err := cmd.Start(); err != nil {
		os.Stderr.WriteString("layerkit verify: " + err.Error() + "\n")
		return 126
	}
	verdict.Close()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	code := 0
	select {
	case err := <-done:
		code = exitCode(cmd.ProcessState, err)
	case <-stop:
		code = 143
	}
	// python (if still running) and everything it started, re-parented here or not.
	ok := reapDescendants(5 * time.Second)
	if code == 143 {
		<-done
	}
	if !ok {
		os.Stderr.WriteString("layerkit verify: processes the import started could not all be stopped\n")
		return 125
	}
	return code
}

func exitCode(st *os.ProcessState, err error) int {
	if st == nil {
		return 126
	}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return st.ExitCode()
}

// reapDescendants kills every child of this process (those re-parented to it as the
// subreaper included) and reaps them, round after round, until none is left or the
// time is up; it reports whether none is left.
func reapDescendants(limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	self := os.Getpid()
	for {
		kids := childrenOf(self)
		for _, pid := range kids {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		// Reap whatever has died; ECHILD means no child at all is left.
		for {
			var ws syscall.WaitStatus
			pid, err := syscall.Wait4(-1, &ws, syscall.WNOHANG, nil)
			if err == syscall.ECHILD {
				return true
			}
			if pid <= 0 || err != nil {
				break
			}
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// childrenOf lists the processes whose parent is pid (from /proc/*/stat).
func childrenOf(pid int) []int {
	d, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	var out []int
	for _, n := range names {
		p, err := strconv.Atoi(n)
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + n + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(b[i+1:]))
		if len(f) >= 2 {
			if ppid, err := strconv.Atoi(f[1]); err == nil && ppid == pid {
				out = append(out, p)
			}
		}
	}
	return out
}

// hideSelf makes this process non-dumpable: its /proc/<pid> files (environ, cwd, fd,
// mem) become unreadable to the code verify runs as the same (non-root) user.
func hideSelf() {
	syscall.RawSyscall(syscall.SYS_PRCTL, prSetDumpable, 0, 0)
}
