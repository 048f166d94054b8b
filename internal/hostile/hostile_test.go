//go:build unix

// Package hostile runs the layerkit binary over a corpus of hostile and broken input
// (testdata/hostile plus items generated at test time) and checks that it never
// crashes, hangs, blows its memory budget or writes anything. It holds only tests.
package hostile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Budgets, stated in the README's "Limits" section.
const (
	maxRSS     = 300 << 20        // peak resident memory of one run
	runTimeout = 20 * time.Second // one run; past it the run counts as a hang
)

var (
	bin       string // the layerkit binary, built once by TestMain
	timeBin   string // GNU time, when installed: measures peak RSS
	corpusDir = filepath.Join("..", "..", "testdata", "hostile")
)

func TestMain(m *testing.M) {
	os.Exit(func() int {
		dir, err := os.MkdirTemp("", "layerkit-hostile-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		bin = filepath.Join(dir, "layerkit")
		cmd := exec.Command("go", "build", "-o", bin, "github.com/layerkit/layerkit/cmd/layerkit")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build: %v\n%s", err, out)
			return 1
		}
		// GNU time understands -f; BSD time does not.
		if err := exec.Command("/usr/bin/time", "-f", "%M", "-o", filepath.Join(dir, "probe"), "true").Run(); err == nil {
			timeBin = "/usr/bin/time"
		}
		return m.Run()
	}())
}

// item is one corpus entry: a zip (tried as a function package, as a layer and with
// inspect) or a folder (checked; its layer/ folder, if any, inspected).
type item struct {
	name string // below the corpus root: "zips/dotdot.zip", "templates/alias-bomb"
	// gen makes a generated item at path (nil: committed under testdata/hostile).
	gen func(t testing.TB, path string)
	// mention is what stderr must name when a run exits 2: the file (default: the zip,
	// or the folder's template), and line says it comes with a line number.
	mention string
	line    bool
	// exit, when not 0, is the status every run must have (else 0, 1 or 2).
	exit int
	// timeout, when set, replaces runTimeout: for the items whose every run does
	// seconds of work (on two cores shared with other jobs, wall time is far more).
	timeout time.Duration
}

var items = []item{
	{name: "zips/dotdot.zip"},
	{name: "zips/absolute.zip"},
	{name: "zips/backslash.zip"},
	{name: "zips/symlink.zip"},
	{name: "zips/duplicate.zip"},
	{name: "zips/bad-utf8.zip"},
	{name: "zips/declared-huge.zip"},
	{name: "zips/inflates-past-declared.zip"},
	{name: "zips/truncated.zip", exit: 2},
	{name: "zips/truncated-tail.zip", exit: 2},
	{name: "zips/bad-central-dir-offset.zip"}, // archive/zip finds the directory anyway
	{name: "zips/bad-central-dir-entry.zip", exit: 2},
	{name: "zips/bad-local-offset.zip"},
	{name: "zips/bad-entry-count.zip", exit: 2},
	{name: "zips/zip-in-zip.zip"},
	{name: "zips/not-a-zip.zip", exit: 2},
	{name: "zips/empty.zip", exit: 2},
	{name: "zips/only-end-record.zip"},
	{name: "zips/many-entries.zip", gen: genEntries(100_000)},
	{name: "zips/million-entries.zip", gen: genEntries(1_000_000), timeout: time.Minute}, // 2 to 3 s of CPU a run
	{name: "zips/bomb.zip", gen: genBomb},
	{name: "zips/overlap-bomb.zip", gen: genOverlapBomb},
	{name: "zips/fifo.zip", gen: func(t testing.TB, p string) { mkfifo(t, p) }, exit: 2},
	{name: "zips/dangling.zip", gen: func(t testing.TB, p string) { symlink(t, "nowhere.zip", p) }, exit: 2},
	{name: "zips/loop.zip", gen: func(t testing.TB, p string) { symlink(t, "loop.zip", p) }, exit: 2},

	{name: "templates/alias-bomb", exit: 2, line: true},
	{name: "templates/merge-bomb", exit: 2, line: true},
	{name: "templates/deep-flow", exit: 2, line: true},
	{name: "templates/deep-map", exit: 2, line: true},
	{name: "templates/deep-json", mention: "template.json", exit: 2, line: true},
	{name: "templates/deep-intrinsics"},
	{name: "templates/cyclic-refs"},
	{name: "templates/wrong-types"},
	{name: "templates/resources-list", exit: 2, line: true},
	{name: "templates/top-level-list", exit: 2, line: true},
	{name: "templates/duplicate-keys"}, // last value wins, as sam build/deploy and CloudFormation read it: LK411
	{name: "templates/unknown-tags"},
	{name: "templates/empty", exit: 2},
	{name: "templates/whitespace", exit: 2},
	{name: "templates/null-document", exit: 2},
	{name: "templates/binary", exit: 2},
	{name: "templates/binary-json", mention: "template.json", exit: 2},
	{name: "templates/nul-in-yaml", exit: 2},
	{name: "templates/bad-yaml", exit: 2, line: true},
	{name: "templates/utf16"}, // UTF-16 with a BOM is YAML
	{name: "templates/big", gen: genBigTemplate, exit: 2},
	{name: "templates/terraform-big", gen: genBigTerraform, mention: "main.tf", exit: 2},
	{name: "templates/fifo", gen: func(t testing.TB, p string) { mkfifo(t, filepath.Join(p, "template.yaml")) }, exit: 2},
	{name: "templates/template-loop", gen: func(t testing.TB, p string) { symlink(t, "template.yaml", filepath.Join(p, "template.yaml")) }, mention: "template", exit: 2},
	{name: "templates/serverless-cycles", mention: "serverless.yml"},
	{name: "templates/serverless-wrong-types", mention: "serverless.yml"},
	{name: "templates/serverless-glob-bomb", mention: "serverless.yml"},
	{name: "templates/terraform-glob-bomb", mention: "main.tf"},
	{name: "templates/serverless-fifo", gen: func(t testing.TB, p string) { mkfifo(t, filepath.Join(p, "serverless.yml")) }, mention: "serverless.yml", exit: 2},
	{name: "templates/terraform-cycles", mention: "main.tf"},
	{name: "templates/terraform-wrong-types", mention: "main.tf"},
	{name: "templates/terraform-bad-syntax", mention: "main.tf", exit: 2, line: true},
	{name: "templates/terraform-bad-json", mention: "main.tf.json", exit: 2, line: true},
	{name: "templates/terraform-binary", mention: "main.tf", exit: 2},
	{name: "templates/terraform-fifo", gen: func(t testing.TB, p string) { mkfifo(t, filepath.Join(p, "main.tf")) }, mention: "main.tf", exit: 2},
	{name: "templates/cdk-escape", mention: "dev/zero", exit: 2},
	{name: "templates/cdk-cycles", mention: "manifest.json"},
	{name: "templates/cdk-wrong-types", mention: "cdk.out/manifest.json", exit: 2, line: true},
	{name: "templates/cdk-bad-json", mention: "cdk.out/manifest.json", exit: 2, line: true},
	{name: "templates/cdk-fifo", gen: func(t testing.TB, p string) { mkfifo(t, filepath.Join(p, "cdk.out", "manifest.json")) }, mention: "cdk.out/manifest.json", exit: 2},

	{name: "trees/non-utf8"},
	{name: "trees/non-utf8-name", gen: genNonUTF8Name},
	{name: "trees/pth"},
	{name: "trees/symlinks", gen: genSymlinks},
	{name: "trees/unreadable", gen: genUnreadable},
	{name: "trees/big-py", gen: genBigPy},
	{name: "trees/many-files", gen: genManyFiles},
}

// slowItems are the items -short (the inner loop) skips: the big generated ones (zip
// bombs, 100,000 files or entries, a 20 MB module, amplifying configurations), 3 to 35 s
// each on two cores. Every other item, committed or generated, still runs.
var slowItems = map[string]bool{
	"zips/many-entries.zip":              true,
	"zips/million-entries.zip":           true,
	"zips/bomb.zip":                      true,
	"zips/overlap-bomb.zip":              true,
	"trees/many-files":                   true,
	"trees/big-py":                       true,
	"templates/big":                      true,
	"templates/serverless-many-services": true,
	"templates/terraform-locals-chain":   true,
	"templates/terraform-many-refs":      true,
}

// shortElsewhere are the items -short leaves to another test of this package that runs
// the same input through the binary under -short too (the full run does both): eval/
// import-chain, 10,000 modules, is a third of the corpus's time under -short.
var shortElsewhere = map[string]string{
	"eval/import-chain": "TestImportChainOutput",
}

// result is what one run did.
type result struct {
	args   []string
	exit   int
	stdout string
	stderr string
	rss    int64 // bytes
	wall   time.Duration
}

// TestCorpus runs every item (see items), checks each run, and checks that the corpus
// (committed and generated) is byte-identical afterwards.
func TestCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Fatalf("corpus: %v", err)
	}
	genDir := t.TempDir()
	before := snapshot(t, corpusDir)
	var all []result
	for k, it := range items {
		t.Run(it.name, func(t *testing.T) {
			if testing.Short() && slowItems[it.name] {
				t.Skip("a generated bomb that takes 10 to 40 s on two cores; skipped under -short")
			}
			if testing.Short() && shortElsewhere[it.name] != "" {
				t.Skip("under -short " + shortElsewhere[it.name] + " runs this item through the binary")
			}
			root := corpusDir
			if it.gen != nil {
				root = genDir
				it.gen(t, filepath.Join(genDir, it.name))
			}
			p := filepath.Join(root, it.name)
			genBefore := snapshot(t, p)
			for _, r := range runItem(t, it, p, k) {
				all = append(all, r)
			}
			if diff := compare(genBefore, snapshot(t, p)); diff != "" && it.gen != nil {
				t.Errorf("the item changed: %s", diff)
			}
		})
	}
	if diff := compare(before, snapshot(t, corpusDir)); diff != "" {
		t.Errorf("testdata/hostile changed: %s", diff)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].rss > all[j].rss })
	for i, r := range all[:min(5, len(all))] {
		t.Logf("max RSS #%d: %.1f MiB, %v: layerkit %s", i+1, float64(r.rss)/(1<<20), r.wall.Round(time.Millisecond), strings.Join(r.args, " "))
	}
	sort.Slice(all, func(i, j int) bool { return all[i].wall > all[j].wall })
	for i, r := range all[:min(5, len(all))] {
		t.Logf("slowest #%d: %v, %.1f MiB: layerkit %s", i+1, r.wall.Round(time.Millisecond), float64(r.rss)/(1<<20), strings.Join(r.args, " "))
	}
}

// runItem runs the commands for one item (the k-th) and checks each. Under -short it
// runs one of them, in turn by k: every item is still read, and every command over a
// share of the corpus (a zip's four commands, a folder's three or four).
func runItem(t *testing.T, it item, p string, k int) []result {
	type run struct {
		dir  string
		args []string
		// anyExit: the run's status need not be the item's (check --diff exits 0 when
		// nothing is fixable), only 0, 1 or 2 (runBinary) and 2 for unreadable input.
		anyExit bool
	}
	var runs []run
	mention := it.mention
	if strings.HasPrefix(it.name, "zips/") {
		dir, base := filepath.Split(p)
		fn := "fn"
		if _, err := os.Stat(filepath.Join(dir, fn)); err != nil {
			fn = filepath.Join(corpusDir, "zips", "fn")
			if fn, err = filepath.Abs(fn); err != nil {
				t.Fatal(err)
			}
		}
		runs = []run{
			{dir, []string{"check", "--function-zip", base, "--handler", "app.handler", "--runtime", "python3.12"}, false},
			{dir, []string{"check", "--function-zip", fn, "--handler", "app.handler", "--runtime", "python3.12", "--layer", base, "--format", "json"}, false},
			{dir, []string{"inspect", base}, false},
			{dir, []string{"inspect", base, "--format", "json", "--runtime", "python3.12", "--arch", "arm64"}, false},
		}
		if mention == "" {
			mention = base
		}
	} else {
		runs = []run{
			{p, []string{"check"}, false},
			{p, []string{"check", "--format", "sarif", "--fail-on", "never"}, false},
			// the fixes of hostile input: worked out, printed, never written
			{p, []string{"check", "--diff", "--unsafe-fixes"}, true},
		}
		if st, err := os.Stat(filepath.Join(p, "layer")); err == nil && st.IsDir() {
			runs = append(runs, run{p, []string{"inspect", "layer", "--format", "json"}, false})
		}
		if mention == "" {
			mention = "template.yaml"
		}
	}
	if testing.Short() {
		runs = runs[k%len(runs) : k%len(runs)+1]
	}
	var out []result
	for _, r := range runs {
		timeout := runTimeout
		if it.timeout > 0 {
			timeout = it.timeout
		}
		res := runBinaryWithin(t, maxRSS, timeout, r.dir, r.args...)
		out = append(out, res)
		what := "layerkit " + strings.Join(r.args, " ")
		if it.exit != 0 && res.exit != it.exit && !(r.anyExit && it.exit != 2) {
			t.Errorf("%s: exit %d, want %d; stderr:\n%s", what, res.exit, it.exit, res.stderr)
		}
		if res.exit == 2 && r.args[0] == "check" || res.exit == 2 && it.exit == 2 {
			if !strings.Contains(res.stderr, mention) {
				t.Errorf("%s: exit 2 and stderr does not name %q:\n%s", what, mention, res.stderr)
			} else if it.line && !regexp.MustCompile(regexp.QuoteMeta(mention)+`[^\n:]*:\d+`).MatchString(res.stderr) {
				t.Errorf("%s: stderr names %q without a line:\n%s", what, mention, res.stderr)
			}
		}
		t.Logf("%s: exit %d, %.1f MiB, %v; %s", what, res.exit, float64(res.rss)/(1<<20), res.wall.Round(time.Millisecond), firstLine(res.stderr))
	}
	return out
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

var crashRE = regexp.MustCompile(`(?m)^(panic: |fatal error: |goroutine \d+ \[|runtime: |SIG[A-Z]+: )`)

// runBinary runs layerkit in dir with a fresh HOME, cache and TMPDIR, and checks what
// every run must do: end by itself within runTimeout with status 0, 1 or 2, print no
// Go crash, stay under maxRSS, and write nothing to HOME, the cache or TMPDIR.
func runBinary(t *testing.T, dir string, args ...string) result {
	t.Helper()
	return runBinaryWithin(t, maxRSS, runTimeout, dir, args...)
}

// runBinaryWithin is runBinary with another memory and time budget.
func runBinaryWithin(t *testing.T, maxRSS int64, runTimeout time.Duration, dir string, args ...string) result {
	t.Helper()
	scratch := t.TempDir()
	home, tmp := filepath.Join(scratch, "home"), filepath.Join(scratch, "tmp")
	mkdir(t, home)
	mkdir(t, tmp)
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	// Peak RSS: the rusage of a direct child of this (large) test process includes the
	// memory it had between fork and exec, so when GNU time is there it is the parent
	// and reports its child's; else the rusage of the child is an upper bound.
	rssFile := filepath.Join(scratch, "rss")
	cmd := exec.CommandContext(ctx, bin, args...)
	if timeBin != "" {
		cmd = exec.CommandContext(ctx, timeBin, append([]string{"-f", "%M", "-o", rssFile, bin}, args...)...)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.Dir = dir
	cmd.Env = []string{"HOME=" + home, "XDG_CACHE_HOME=" + filepath.Join(home, ".cache"), "TMPDIR=" + tmp,
		"PATH=" + os.Getenv("PATH"), "NO_COLOR=1", "GOTRACEBACK=all"}
	if v := os.Getenv("LAYERKIT_HOSTILE_SECRET"); v != "" { // a CI secret the run must not leak (safeexec_test.go)
		cmd.Env = append(cmd.Env, "LAYERKIT_HOSTILE_SECRET="+v)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.Stdin = nil
	start := time.Now()
	err := cmd.Run()
	res := result{args: args, wall: time.Since(start), stdout: stdout.String(), stderr: stderr.String(), exit: -1}
	what := "layerkit " + strings.Join(args, " ")
	if ctx.Err() != nil {
		t.Errorf("%s: still running after %v (killed); stderr:\n%s", what, runTimeout, res.stderr)
		return res
	}
	st := cmd.ProcessState
	if st == nil {
		t.Fatalf("%s: %v", what, err)
	}
	if ws, ok := st.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		t.Errorf("%s: killed by %v; stderr:\n%s", what, ws.Signal(), res.stderr)
	}
	res.exit = st.ExitCode()
	if timeBin != "" {
		// GNU time writes "Command terminated by signal N" or "Command exited with
		// non-zero status N" before the format's line.
		b, err := os.ReadFile(rssFile)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if strings.Contains(string(b), "terminated by signal") {
			t.Errorf("%s: %s; stderr:\n%s", what, lines[0], res.stderr)
		}
		kb, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
		if err != nil {
			t.Fatalf("%s: /usr/bin/time said %q", what, b)
		}
		res.rss = kb << 10
	} else if ru, ok := st.SysUsage().(*syscall.Rusage); ok {
		res.rss = int64(ru.Maxrss)
		if runtime.GOOS != "darwin" {
			res.rss <<= 10 // Linux and the BSDs report KiB
		}
	}
	if res.rss > maxRSS {
		t.Errorf("%s: peak RSS %.1f MiB, budget %d MiB", what, float64(res.rss)/(1<<20), maxRSS>>20)
	}
	if res.exit < 0 || res.exit > 2 {
		t.Errorf("%s: exit %d, want 0, 1 or 2; stderr:\n%s", what, res.exit, res.stderr)
	}
	if crashRE.MatchString(res.stderr) {
		t.Errorf("%s: crashed:\n%s", what, res.stderr)
	}
	for _, d := range []string{home, tmp} {
		if entries, _ := os.ReadDir(d); len(entries) > 0 {
			t.Errorf("%s wrote into %s: %v", what, d, entries)
		}
	}
	return res
}

// entry is what snapshot records about one path.
type entry struct {
	mode  fs.FileMode
	mtime time.Time
	size  int64
	sum   string // content hash of a regular file, target of a symlink
}

// snapshot records every path below root (root itself included) without following
// symlinks and without opening anything but regular files.
func snapshot(t testing.TB, root string) map[string]entry {
	t.Helper()
	out := map[string]entry{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsPermission(err) {
				return nil
			}
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		e := entry{mode: fi.Mode(), mtime: fi.ModTime(), size: fi.Size()}
		switch {
		case fi.Mode().IsRegular():
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			h := sha256.New()
			_, err = io.Copy(h, f)
			f.Close()
			if err != nil {
				return err
			}
			e.sum = hex.EncodeToString(h.Sum(nil))
		case fi.Mode()&fs.ModeSymlink != 0:
			e.sum, _ = os.Readlink(p)
		}
		if !fi.IsDir() {
			e.mtime = fi.ModTime()
		}
		out[p] = e
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatalf("snapshot %s: %v", root, err)
	}
	return out
}

// compare describes the first differences between two snapshots ("" when equal).
func compare(a, b map[string]entry) string {
	var diffs []string
	for p, x := range a {
		y, ok := b[p]
		switch {
		case !ok:
			diffs = append(diffs, p+" removed")
		case x != y:
			diffs = append(diffs, fmt.Sprintf("%s changed (%+v → %+v)", p, x, y))
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			diffs = append(diffs, p+" added")
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 10 {
		diffs = append(diffs[:10], fmt.Sprintf("and %d more", len(diffs)-10))
	}
	return strings.Join(diffs, "; ")
}

// TestReadOnly runs check, inspect and verify over copies of the examples and checks
// that the checked tree is byte-identical afterwards (contents, modes, mtimes), and
// that nothing was written to HOME, the cache or TMPDIR (runBinary checks those).
func TestReadOnly(t *testing.T) {
	work := t.TempDir()
	for _, ex := range []string{"healthy", "package-in-layer", "layer-at-zip-root"} {
		copyTree(t, filepath.Join("..", "..", "examples", ex), filepath.Join(work, ex))
	}
	if testing.Short() {
		// Deflating the 1 GiB bomb takes seconds: -short uses the committed zip whose entry
		// declares 16 GiB.
		data, err := os.ReadFile(filepath.Join(corpusDir, "zips", "declared-huge.zip"))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, work, "bomb.zip", data)
	} else {
		genBomb(t, filepath.Join(work, "bomb.zip"))
	}
	before := snapshot(t, work)
	runs := [][]string{
		{"check", "healthy"},
		{"check", "healthy", "--format", "json"},
		{"check", "package-in-layer", "--format", "sarif"},
		{"check", "layer-at-zip-root", "--format", "github"},
		{"check", "--function-zip", "healthy/services/orders", "--handler", "orders.api.handler", "--runtime", "python3.12", "--layer", "healthy/layers/core", "--layer", "bomb.zip"},
		{"inspect", "healthy/layers/core", "bomb.zip"},
		{"inspect", "bomb.zip", "--format", "json"},
	}
	// verify runs the functions' code with python3; it is only tried when it exists.
	if out, err := exec.Command(bin, "verify", "--help").CombinedOutput(); err == nil {
		runs = append(runs, []string{"verify", "healthy"}, []string{"verify", "package-in-layer", "--format", "json"})
	} else {
		t.Logf("layerkit verify is not there (%v: %s): not run", err, firstLine(string(out)))
	}
	for _, args := range runs {
		res := runBinary(t, work, args...)
		t.Logf("layerkit %s: exit %d, %.1f MiB, %v", strings.Join(args, " "), res.exit, float64(res.rss)/(1<<20), res.wall.Round(time.Millisecond))
		if diff := compare(before, snapshot(t, work)); diff != "" {
			t.Fatalf("layerkit %s changed the checked tree: %s", strings.Join(args, " "), diff)
		}
	}
}

// TestTimeout: --timeout stops a run and exits 2 with a message.
func TestTimeout(t *testing.T) {
	dir := t.TempDir()
	// Writing 51,000 files takes 10 to 20 s on a loaded machine: -short leaves --timeout
	// to the full run and keeps the size cap below.
	if !testing.Short() {
		genManyFiles(t, filepath.Join(dir, "many"))
		res := runBinary(t, filepath.Join(dir, "many"), "check", "--timeout", "1ms")
		if res.exit != 2 || !strings.Contains(res.stderr, "--timeout") {
			t.Errorf("exit %d, stderr %q; want 2 and a message naming --timeout", res.exit, res.stderr)
		}
	}
	writeFile(t, dir, "tpl/template.yaml", []byte(samFn+"# "+strings.Repeat("x", 2000)+"\n"))
	res := runBinary(t, filepath.Join(dir, "tpl"), "check", "--max-template-size", "1")
	if res.exit != 2 || !strings.Contains(res.stderr, "template.yaml") || !strings.Contains(res.stderr, "--max-template-size") {
		t.Errorf("exit %d, stderr %q; want 2 and a message naming template.yaml and --max-template-size", res.exit, res.stderr)
	}
}

// copyTree copies the regular files and folders below src to dst.
func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		out := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(out, 0o755)
		}
		if !d.Type().IsRegular() {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(out, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
