package verify

import (
	"encoding/binary"
	"os"
	"syscall"
	"unsafe"
)

// Landlock (Linux 5.13+, unprivileged): the intermediate restricts itself, and so the
// python it starts and everything that inherits from it, to writing only below the
// function's private folder (its task copy, HOME), /tmp (writable on Lambda) and /dev
// (/dev/null). verify's folder is usually below /tmp, so the /opt copies functions share
// stay writable then.
// The checked folder — unless it is itself below /tmp — and the rest of the file system
// cannot be written, created in, renamed or removed from, whatever path the code
// guesses. Reading is not restricted. Where the kernel has no Landlock (or a seccomp
// policy hides it), the import runs without it.

const (
	sysLandlockCreateRuleset = 444
	sysLandlockAddRule       = 445
	sysLandlockRestrictSelf  = 446

	landlockCreateRulesetVersion = 1 << 0
	landlockRulePathBeneath      = 1

	accessWriteFile  = 1 << 1
	accessRemoveDir  = 1 << 4
	accessRemoveFile = 1 << 5
	accessMakeChar   = 1 << 6
	accessMakeDir    = 1 << 7
	accessMakeReg    = 1 << 8
	accessMakeSock   = 1 << 9
	accessMakeFifo   = 1 << 10
	accessMakeBlock  = 1 << 11
	accessMakeSym    = 1 << 12
	accessRefer      = 1 << 13 // ABI 2
	accessTruncate   = 1 << 14 // ABI 3

	prSetNoNewPrivs = 38
)

// restrictWrites applies the ruleset; it reports whether the kernel enforces it.
func restrictWrites(writable []string) bool {
	abi, _, errno := syscall.Syscall(sysLandlockCreateRuleset, 0, 0, landlockCreateRulesetVersion)
	if errno != 0 || int(abi) < 1 {
		return false
	}
	handled := uint64(accessWriteFile | accessRemoveDir | accessRemoveFile | accessMakeChar | accessMakeDir |
		accessMakeReg | accessMakeSock | accessMakeFifo | accessMakeBlock | accessMakeSym)
	if abi >= 2 {
		handled |= accessRefer
	}
	if abi >= 3 {
		handled |= accessTruncate
	}
	attr := handled // struct landlock_ruleset_attr { __u64 handled_access_fs; } (ABI 1 size)
	fd, _, errno := syscall.Syscall(sysLandlockCreateRuleset, uintptr(unsafe.Pointer(&attr)), 8, 0)
	if errno != 0 {
		return false
	}
	defer syscall.Close(int(fd))
	for _, dir := range writable {
		d, err := os.Open(dir)
		if err != nil {
			continue
		}
		// struct landlock_path_beneath_attr { __u64 allowed_access; __s32 parent_fd; } packed
		var rule [12]byte
		binary.NativeEndian.PutUint64(rule[:8], handled)
		binary.NativeEndian.PutUint32(rule[8:], uint32(d.Fd()))
		_, _, errno = syscall.Syscall6(sysLandlockAddRule, fd, landlockRulePathBeneath, uintptr(unsafe.Pointer(&rule[0])), 0, 0, 0)
		d.Close()
		if errno != 0 {
			return false
		}
	}
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetNoNewPrivs, 1, 0); errno != 0 {
		return false
	}
	_, _, errno = syscall.Syscall(sysLandlockRestrictSelf, fd, 0, 0)
	return errno == 0
}
