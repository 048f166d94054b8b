package supervise

import "syscall"

// hide makes the supervisor non-dumpable: its /proc/<pid> files (environ — the CI
// secrets layerkit was started with —, cwd, fd) are then unreadable to code that
// layerkit verify runs as the same non-root user. It does not survive exec, so the
// worker is unaffected (verify hides it the same way).
func hide() {
	const prSetDumpable = 4
	syscall.RawSyscall(syscall.SYS_PRCTL, prSetDumpable, 0, 0)
}
