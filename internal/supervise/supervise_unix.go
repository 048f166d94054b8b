//go:build unix

package supervise

import (
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// childEnv marks the worker: its value is the supervisor's process id, so a value
// inherited from anywhere else (a layerkit started by a layerkit) is not taken for it.
const childEnv = "LAYERKIT_SUPERVISOR_PID"

func init() {
	if v, ok := os.LookupEnv(childEnv); ok {
		// Nothing the worker starts (pip, npm, python3, verify's runner) sees it.
		os.Unsetenv(childEnv)
		if v == strconv.Itoa(os.Getppid()) {
			worker = true
			return
		}
	}
	if os.Getenv("LAYERKIT_NO_SUPERVISOR") != "" {
		return
	}
	if code, ok := supervise(); ok {
		os.Exit(code)
	}
}

// supervise runs the worker and returns the status to exit with: the worker's own
// (0, 1, 2, 130...); 3 for a crash — status 2 without the worker's offset, or death
// by a crash signal (SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS). A
// worker killed by another signal (SIGINT, SIGTERM, SIGKILL...) ends the supervisor by
// the same signal. ok is false when the worker could not be started: then the program
// runs in this process.
func supervise() (code int, ok bool) {
	exe, err := os.Executable()
	if err != nil {
		return 0, false
	}
	hide()
	// Signals for the program go to the worker (a terminal's Ctrl-C reaches both).
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2)
	p, err := os.StartProcess(exe, os.Args, &os.ProcAttr{
		Env:   append(os.Environ(), childEnv+"="+strconv.Itoa(os.Getpid())),
		Files: []*os.File{os.Stdin, os.Stdout, os.Stderr},
	})
	if err != nil {
		signal.Stop(sigs)
		return 0, false
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = p.Signal(s)
			case <-done:
				return
			}
		}
	}()
	st, err := p.Wait()
	close(done)
	signal.Stop(sigs)
	if err != nil {
		crashed("could not be waited for: " + err.Error())
		return ExitCrash, true
	}
	ws, _ := st.Sys().(syscall.WaitStatus)
	switch {
	case ws.Exited() && ws.ExitStatus() >= childOffset:
		return ws.ExitStatus() - childOffset, true
	case ws.Exited() && ws.ExitStatus() == 2:
		crashed("exited with status 2 before its verdict (a Go panic or fatal error)")
		return ExitCrash, true
	case ws.Exited():
		return ws.ExitStatus(), true
	case ws.Signaled():
		s := ws.Signal()
		switch s {
		case syscall.SIGSEGV, syscall.SIGABRT, syscall.SIGBUS, syscall.SIGILL, syscall.SIGFPE, syscall.SIGTRAP, syscall.SIGSYS:
			crashed("was killed by " + s.String())
			return ExitCrash, true
		case syscall.SIGPIPE: // its output was closed (layerkit check | head): as a shell reports it
			return 128 + int(s), true
		}
		// End by the same signal, so that a shell or CI sees it; it may land on
		// another thread, so give it time before falling back to 128+N.
		signal.Reset(s)
		_ = syscall.Kill(os.Getpid(), s)
		time.Sleep(time.Second)
		return 128 + int(s), true
	}
	crashed("stopped in an unknown way")
	return ExitCrash, true
}

func crashed(how string) {
	os.Stderr.WriteString("layerkit: crashed: the process " + how + "; this is a bug in layerkit, not in your input — please report it with the output above (exit status 3)\n")
}
