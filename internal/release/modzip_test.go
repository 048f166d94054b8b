package release

import (
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	modzip "golang.org/x/mod/zip"
)

// gitFile is a committed file, as golang.org/x/mod/zip checks it.
type gitFile string

func (f gitFile) Path() string { return string(f) }
func (f gitFile) Lstat() (fs.FileInfo, error) {
	return os.Lstat(filepath.Join(root, filepath.FromSlash(string(f))))
}
func (f gitFile) Open() (io.ReadCloser, error) {
	return os.Open(filepath.Join(root, filepath.FromSlash(string(f))))
}

// TestModuleZip checks that the repository's files make a valid Go module zip, with the
// checks the module proxy and `go install …@latest` apply (golang.org/x/mod/zip): one file
// name that is not UTF-8 (or two that differ only in case, or a Windows-reserved name)
// makes the module impossible to download, and README's first install line fail.
// scripts/release-check.sh runs the go install itself against a local proxy.
func TestModuleZip(t *testing.T) {
	out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		t.Skipf("git ls-files: %v", err)
	}
	var files []modzip.File
	for _, p := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		if _, err := os.Lstat(filepath.Join(root, filepath.FromSlash(p))); err != nil {
			continue // deleted in the work tree, not yet committed
		}
		files = append(files, gitFile(p))
	}
	cf, err := modzip.CheckFiles(files)
	for _, f := range cf.Invalid {
		t.Errorf("%q cannot be in a Go module zip: %v", f.Path, f.Err)
	}
	if err != nil && len(cf.Invalid) == 0 {
		t.Errorf("module zip: %v", err)
	}
	if len(cf.Valid) == 0 {
		t.Error("no file would be in the module zip")
	}
}
