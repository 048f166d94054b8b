package wheel

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// TestWheelLayout writes the wheel of every release target and reads it back as an
// installer does: the file name's tags, WHEEL's Tag lines (the expanded set), the
// script's mode, and RECORD, which must list every other file with its sha256 and size.
func TestWheelLayout(t *testing.T) {
	want := map[Target]string{
		{"linux", "amd64"}:   "layerkit-1.2.3-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.musllinux_1_1_x86_64.whl",
		{"linux", "arm64"}:   "layerkit-1.2.3-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64.whl",
		{"darwin", "amd64"}:  "layerkit-1.2.3-py3-none-macosx_12_0_x86_64.whl",
		{"darwin", "arm64"}:  "layerkit-1.2.3-py3-none-macosx_12_0_arm64.whl",
		{"windows", "amd64"}: "layerkit-1.2.3-py3-none-win_amd64.whl",
		{"windows", "arm64"}: "layerkit-1.2.3-py3-none-win_arm64.whl",
	}
	if len(Targets) != len(want) {
		t.Fatalf("Targets has %d entries, the test knows %d", len(Targets), len(want))
	}
	for _, tg := range Targets {
		w := &Wheel{Version: "1.2.3", Target: tg, Binary: []byte("binary for " + tg.String()), License: []byte("MIT\n")}
		name, err := w.FileName()
		if err != nil {
			t.Fatal(err)
		}
		if name != want[tg] {
			t.Errorf("%s: file name %s, want %s", tg, name, want[tg])
		}
		var buf bytes.Buffer
		if err := w.Write(&buf); err != nil {
			t.Fatal(err)
		}
		files := readWheel(t, buf.Bytes())
		script := "layerkit-1.2.3.data/scripts/layerkit"
		if tg.GOOS == "windows" {
			script += ".exe"
		}
		if f := files[script]; f == nil || string(f.body) != "binary for "+tg.String() || f.mode != 0o100755 {
			t.Errorf("%s: script %s missing, wrong or not 0755: %+v", tg, script, f)
		}
		// WHEEL's Tag lines are the file name's compressed tag set, expanded (PEP 425).
		plat := strings.TrimSuffix(strings.TrimPrefix(name, "layerkit-1.2.3-py3-none-"), ".whl")
		var tags []string
		for _, m := range regexp.MustCompile(`(?m)^Tag: py3-none-(\S+)$`).FindAllStringSubmatch(string(files["layerkit-1.2.3.dist-info/WHEEL"].body), -1) {
			tags = append(tags, m[1])
		}
		if got, wantSet := strings.Join(tags, "."), strings.Split(plat, "."); len(tags) != len(wantSet) {
			t.Errorf("%s: WHEEL tags %s, file name %s", tg, got, plat)
		}
		for _, p := range strings.Split(plat, ".") {
			if !strings.Contains(string(files["layerkit-1.2.3.dist-info/WHEEL"].body), "Tag: py3-none-"+p+"\n") {
				t.Errorf("%s: WHEEL lacks Tag py3-none-%s", tg, p)
			}
		}
		if !strings.Contains(string(files["layerkit-1.2.3.dist-info/WHEEL"].body), "Root-Is-Purelib: false\n") {
			t.Errorf("%s: a platform wheel must not be purelib", tg)
		}
		checkRecord(t, files)
	}
}

type wheelFile struct {
	body []byte
	mode uint32
}

func readWheel(t *testing.T, b []byte) map[string]*wheelFile {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]*wheelFile{}
	for i, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		files[f.Name] = &wheelFile{body: body, mode: f.ExternalAttrs >> 16}
		if strings.HasSuffix(f.Name, "/RECORD") && i != len(zr.File)-1 {
			t.Errorf("RECORD is entry %d of %d, want last", i, len(zr.File))
		}
	}
	return files
}

// checkRecord checks RECORD against the files, as `wheel unpack` and installers that
// verify do: every file but RECORD listed once, sha256 in urlsafe base64 without padding.
func checkRecord(t *testing.T, files map[string]*wheelFile) {
	t.Helper()
	var record string
	for name, f := range files {
		if strings.HasSuffix(name, ".dist-info/RECORD") {
			record = string(f.body)
		}
	}
	listed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(record, "\n"), "\n") {
		parts := strings.Split(line, ",")
		if len(parts) != 3 {
			t.Fatalf("RECORD line %q", line)
		}
		listed[parts[0]] = true
		if strings.HasSuffix(parts[0], "/RECORD") {
			if parts[1] != "" || parts[2] != "" {
				t.Errorf("RECORD's own line %q has a hash or size", line)
			}
			continue
		}
		f := files[parts[0]]
		if f == nil {
			t.Errorf("RECORD lists %s, not in the wheel", parts[0])
			continue
		}
		sum := sha256.Sum256(f.body)
		if want := "sha256=" + base64.RawURLEncoding.EncodeToString(sum[:]); parts[1] != want {
			t.Errorf("%s: RECORD hash %s, want %s", parts[0], parts[1], want)
		}
		if parts[2] != strconv.Itoa(len(f.body)) {
			t.Errorf("%s: RECORD size %s, want %d", parts[0], parts[2], len(f.body))
		}
	}
	for name := range files {
		if !listed[name] {
			t.Errorf("%s is not in RECORD", name)
		}
	}
}

func TestVersion(t *testing.T) {
	for in, want := range map[string]string{"v1.2.3": "1.2.3", "0.1.0": "0.1.0", "v1.0.0rc1": "1.0.0rc1", "v0.1.0.dev3": "0.1.0.dev3"} {
		if got, err := Version(in); err != nil || got != want {
			t.Errorf("Version(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	// goreleaser's snapshot versions and Go pseudo-versions are not PEP 440: refused, not
	// turned into a wheel pip would reject.
	for _, in := range []string{"", "v1.2.3-SNAPSHOT-abc1234", "v0.0.0-20261204213105-e5839fd6cf8d", "latest", "1.2.3+Local"} {
		if _, err := Version(in); err == nil {
			t.Errorf("Version(%q) accepted", in)
		}
	}
}

// TestInstallInVirtualenv builds layerkit for this machine, wraps it in its wheel,
// installs the wheel with pip into a fresh virtualenv with no index (nothing else may be
// needed), and runs layerkit --version from the virtualenv's bin folder. It is what
// `pipx install layerkit-….whl` and `uvx --from layerkit-….whl layerkit` do. Skipped without
// python3 -m venv, unless CI=true.
func TestInstallInVirtualenv(t *testing.T) {
	if testing.Short() {
		t.Skip("builds layerkit and a virtualenv")
	}
	python := "python3"
	if runtime.GOOS == "windows" {
		python = "python"
	}
	if out, err := exec.Command(python, "-m", "venv", "--help").CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s -m venv is needed (CI=true): %v\n%s", python, err, out)
		}
		t.Skipf("%s -m venv unavailable: %v", python, err)
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "layerkit")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command("go", "build", "-o", bin, "github.com/layerkit/layerkit/cmd/layerkit")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	binary, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	w := &Wheel{Version: "0.1.0", Target: Target{runtime.GOOS, runtime.GOARCH}, Binary: binary, License: []byte("MIT\n")}
	name, err := w.FileName()
	if err != nil {
		t.Fatal(err)
	}
	whl := filepath.Join(dir, name)
	var buf bytes.Buffer
	if err := w.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(whl, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	venv := filepath.Join(dir, "venv")
	run := func(name string, args ...string) string {
		t.Helper()
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), "PIP_NO_INDEX=1", "PIP_DISABLE_PIP_VERSION_CHECK=1", "PYTHONDONTWRITEBYTECODE=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run(python, "-m", "venv", venv)
	vbin := filepath.Join(venv, "bin")
	if runtime.GOOS == "windows" {
		vbin = filepath.Join(venv, "Scripts")
	}
	run(filepath.Join(vbin, "python"), "-m", "pip", "install", "--no-index", whl)
	out := run(filepath.Join(vbin, w.ScriptName()), "--version")
	if !regexp.MustCompile(`^layerkit \S+ \(.*go1\.\d+.*\)\n$`).MatchString(out) {
		t.Errorf("layerkit --version from the virtualenv printed %q", out)
	}
	// pip recorded the distribution as the wheel describes it.
	meta := run(filepath.Join(vbin, "python"), "-c", "import importlib.metadata as m; d = m.distribution('layerkit'); print(d.version, d.metadata['License'], sorted(str(f) for f in d.files if 'scripts' in str(f) or 'bin' in str(f) or f.name.startswith('layerkit')))")
	if !strings.HasPrefix(meta, "0.1.0 MIT ") || !strings.Contains(meta, w.ScriptName()) {
		t.Errorf("installed distribution: %s", meta)
	}
}
