package fix

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

func write(t *testing.T, root, name, content string) {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
		t.Fatal(err)
	}
}

// replace makes a finding whose fix replaces the first old in name's content by new.
func replace(name, content, old, new string) finding.Finding {
	i := strings.Index(content, old)
	return finding.Finding{Code: rulecode.LK101, Pos: model.Pos{File: name},
		Fix: &model.Fix{Title: "replace " + old, Edits: []model.Edit{{File: name, Sum: Sum([]byte(content)), Start: i, End: i + len(old), Old: old, New: new}}}}
}

func TestPrepareAndWrite(t *testing.T) {
	root := t.TempDir()
	src := "a = 1\n# keep\nb = 2\n"
	write(t, root, "x/app.py", src)
	fs := []finding.Finding{
		replace("x/app.py", src, "a = 1", "a = 10"),
		replace("x/app.py", src, "a = 1", "a = 10"), // a second finding with the same fix
		replace("x/app.py", src, "b = 2", "b = 20"),
		replace("x/app.py", src, "= 1", "= 99"), // overlaps the first: skipped
	}
	p, err := Prepare(root, fs, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Applied) != 2 || len(p.Applied[0].Findings) != 2 || len(p.Skipped) != 1 {
		t.Fatalf("applied %d (first for %d findings), skipped %d", len(p.Applied), len(p.Applied[0].Findings), len(p.Skipped))
	}
	want := "a = 10\n# keep\nb = 20\n"
	if string(p.Files[0].After) != want {
		t.Fatalf("after = %q", p.Files[0].After)
	}
	d := string(p.Diff())
	for _, s := range []string{"diff --git a/x/app.py b/x/app.py\n", "--- a/x/app.py\n", "+++ b/x/app.py\n", "-a = 1\n", "+a = 10\n", " # keep\n"} {
		if !strings.Contains(d, s) {
			t.Errorf("diff lacks %q:\n%s", s, d)
		}
	}
	if err := p.Write(); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(root, "x", "app.py"))
	info, _ := os.Stat(filepath.Join(root, "x", "app.py"))
	if string(got) != want || info.Mode().Perm() != 0o640 {
		t.Fatalf("file %q mode %v", got, info.Mode())
	}
	left, _ := os.ReadDir(filepath.Join(root, "x"))
	if len(left) != 1 {
		t.Fatalf("temporary files left: %v", left)
	}
	// The same findings again: the file no longer holds what they saw.
	p, err = Prepare(root, fs, false)
	if err != nil {
		t.Fatal(err)
	}
	if p.Changes() || len(p.Skipped) != 4 || !strings.Contains(p.Skipped[0].Reason, "changed since it was checked") {
		t.Fatalf("changes %v, skipped %+v", p.Changes(), p.Skipped)
	}
}

func TestRefusals(t *testing.T) {
	outside := t.TempDir()
	write(t, outside, "secret.py", "x = 1\n")
	root := t.TempDir()
	write(t, root, "ok.py", "x = 1\n")
	if err := os.Symlink(outside, filepath.Join(root, "link")); err != nil {
		t.Skip(err)
	}
	if err := os.Symlink(filepath.Join(outside, "secret.py"), filepath.Join(root, "file.py")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"../secret.py", "/etc/passwd", "link/secret.py", "file.py", "./ok.py", "missing.py"} {
		f := replace(name, "x = 1\n", "1", "2")
		p, err := Prepare(root, []finding.Finding{f}, true)
		if err != nil {
			t.Fatal(err)
		}
		if p.Changes() || len(p.Skipped) != 1 {
			t.Errorf("%s: changes %v, skipped %v", name, p.Changes(), p.Skipped)
		}
	}
	b, _ := os.ReadFile(filepath.Join(outside, "secret.py"))
	if string(b) != "x = 1\n" {
		t.Fatal("wrote outside the root")
	}
	// Unsafe fixes wait for unsafe.
	f := replace("ok.py", "x = 1\n", "1", "2")
	f.Fix.Unsafe = true
	p, _ := Prepare(root, []finding.Finding{f}, false)
	if p.Changes() || p.Unsafe != 1 {
		t.Fatalf("unsafe fix applied without unsafe")
	}
}

func TestMove(t *testing.T) {
	root := t.TempDir()
	write(t, root, "layer/aws_utils.py", "x = 1\n")
	f := finding.Finding{Fix: &model.Fix{Unsafe: true, Moves: []model.Move{{From: "layer/aws_utils.py", To: "layer/python/aws_utils.py"}}}}
	p, err := Prepare(root, []finding.Finding{f}, true)
	if err != nil || !p.Changes() {
		t.Fatalf("%v %+v", err, p.Skipped)
	}
	if d := string(p.Diff()); !strings.Contains(d, "rename from layer/aws_utils.py\nrename to layer/python/aws_utils.py\n") {
		t.Fatalf("diff %q", d)
	}
	if err := p.Write(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "layer", "python", "aws_utils.py")); err != nil {
		t.Fatal(err)
	}
	// Moving again: the source is gone.
	p, _ = Prepare(root, []finding.Finding{f}, true)
	if p.Changes() {
		t.Fatal("moved twice")
	}
}

func TestOffset(t *testing.T) {
	src := []byte("ab\nçd: x\n")
	if at, ok := Offset(src, 2, 3); !ok || string(src[at:at+1]) != ":" {
		t.Fatalf("%d %v", at, ok)
	}
	if _, ok := Offset(src, 5, 1); ok {
		t.Fatal("line 5")
	}
}

func TestCreate(t *testing.T) {
	root := t.TempDir()
	write(t, root, "fn/app.py", "import requests\n")
	mk := func(name string) finding.Finding {
		return finding.Finding{Fix: &model.Fix{Unsafe: true, Edits: []model.Edit{{File: name, Sum: Sum(nil), New: "requests==2.32.3\n"}}}}
	}
	p, err := Prepare(root, []finding.Finding{mk("fn/requirements.txt"), mk("nofolder/requirements.txt")}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Files) != 1 || len(p.Skipped) != 1 {
		t.Fatalf("files %d, skipped %+v", len(p.Files), p.Skipped)
	}
	if d := string(p.Diff()); !strings.Contains(d, "new file mode 100644\n--- /dev/null\n+++ b/fn/requirements.txt\n") {
		t.Fatalf("diff %q", d)
	}
	if err := p.Write(); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(root, "fn", "requirements.txt"))
	if err != nil || info.Mode().Perm() != 0o644 {
		t.Fatalf("%v %v", info, err)
	}
	// Once it exists with other content, the fix that saw no file does not apply.
	write(t, root, "fn/requirements.txt", "boto3\n")
	p, _ = Prepare(root, []finding.Finding{mk("fn/requirements.txt")}, true)
	if p.Changes() {
		t.Fatal("created over an existing file")
	}
}

// A file move carries the file's SHA-256: it applies only to the content the check saw.
// Folders a move empties go, up to the root (as git apply does with the --diff output);
// a move into or out of a folder another fix moves conflicts.
func TestMoveSumAndCleanup(t *testing.T) {
	root := t.TempDir()
	write(t, root, "l/nodejs/node18/node_modules/a/index.js", "exports.a = 1;\n")
	write(t, root, "l/db.js", "exports.db = 1;\n")
	write(t, root, "l/keep.txt", "x")
	moveOf := func(from, to, content string) finding.Finding {
		m := model.Move{From: from, To: to}
		if content != "" {
			m.Sum = Sum([]byte(content))
		}
		return finding.Finding{Code: rulecode.LK201, Fix: &model.Fix{Unsafe: true, Moves: []model.Move{m}}}
	}
	// the file changed since the check: skipped
	p, err := Prepare(root, []finding.Finding{moveOf("l/db.js", "l/nodejs/node_modules/db.js", "exports.db = 0;\n")}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Applied) != 0 || len(p.Skipped) != 1 || !strings.Contains(p.Skipped[0].Reason, "changed since it was checked") {
		t.Fatalf("applied %d, skipped %+v", len(p.Applied), p.Skipped)
	}
	// a second fix moving a folder that holds the first's target: skipped
	p, err = Prepare(root, []finding.Finding{
		moveOf("l/db.js", "l/nodejs/node_modules/db.js", "exports.db = 1;\n"),
		moveOf("l/nodejs/node18/node_modules/a", "l/nodejs/node_modules/a", ""),
		moveOf("l/nodejs", "l/js", ""),
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Applied) != 2 || len(p.Skipped) != 1 || !strings.Contains(p.Skipped[0].Reason, "another fix moves") {
		t.Fatalf("applied %d, skipped %+v", len(p.Applied), p.Skipped)
	}
	if err := p.Write(); err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{"l/db.js", "l/nodejs/node18"} {
		if _, err := os.Lstat(filepath.Join(root, gone)); !os.IsNotExist(err) {
			t.Errorf("%s still there (%v)", gone, err)
		}
	}
	for _, there := range []string{"l/nodejs/node_modules/db.js", "l/nodejs/node_modules/a/index.js", "l/keep.txt"} {
		if _, err := os.Stat(filepath.Join(root, there)); err != nil {
			t.Error(err)
		}
	}
}
