//go:build unix

package tree

import (
	"path/filepath"
	"syscall"
	"testing"
)

// A named pipe must not be visible: reading it would block the checker.
func TestDirSkipsSpecialFiles(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{"a.py": "a"})
	if err := syscall.Mkfifo(filepath.Join(root, "pipe.py"), 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	tr, err := Dir(root, "")
	if err != nil {
		t.Fatal(err)
	}
	if Exists(tr, "pipe.py") {
		t.Error("pipe.py is visible")
	}
	if got := checkConsistent(t, tr); len(got) != 1 || got[0] != "a.py" {
		t.Errorf("walk = %q", got)
	}
}
