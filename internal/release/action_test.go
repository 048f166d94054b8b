package release

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

// action is the part of action.yml the fake runner needs.
type action struct {
	Name   string `yaml:"name"`
	Inputs map[string]struct {
		Description string `yaml:"description"`
		Required    bool   `yaml:"required"`
		Default     string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Value string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []struct {
			ID    string            `yaml:"id"`
			Shell string            `yaml:"shell"`
			Env   map[string]string `yaml:"env"`
			Run   string            `yaml:"run"`
			Uses  string            `yaml:"uses"`
			If    string            `yaml:"if"`
		} `yaml:"steps"`
	} `yaml:"runs"`
}

func loadAction(t *testing.T) *action {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(b, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return &a
}

var expr = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// runner is a fake GitHub Actions runner for a composite action: it evaluates the
// expressions action.yml uses (inputs, github.action_path, steps.<id>.outputs), runs each
// step with `bash --noprofile --norc -eo pipefail` (GitHub's `shell: bash`) and gives it
// fresh GITHUB_OUTPUT and GITHUB_PATH files, as the real runner does.
type runner struct {
	os, arch  string // RUNNER_OS, RUNNER_ARCH
	workspace string
	temp      string
	inputs    map[string]string

	outputs map[string]map[string]string // step id → outputs
	path    []string                     // GITHUB_PATH entries, in order
	logs    map[string]string            // step id → stdout and stderr
}

// run runs the action's steps until one fails; it returns the failing step's id and
// exit status ("" and 0 when all succeed).
func (r *runner) run(t *testing.T, a *action) (string, int) {
	t.Helper()
	r.outputs, r.logs = map[string]map[string]string{}, map[string]string{}
	for name := range r.inputs {
		if _, ok := a.Inputs[name]; !ok {
			t.Fatalf("input %q is not declared in action.yml", name)
		}
	}
	eval := func(s string) string {
		return expr.ReplaceAllStringFunc(s, func(m string) string {
			e := expr.FindStringSubmatch(m)[1]
			switch {
			case strings.HasPrefix(e, "inputs."):
				name := strings.TrimPrefix(e, "inputs.")
				in, ok := a.Inputs[name]
				if !ok {
					t.Fatalf("action.yml uses undeclared input %q", name)
				}
				if v, ok := r.inputs[name]; ok {
					return v
				}
				return in.Default
			case e == "github.action_path":
				abs, _ := filepath.Abs(root)
				return abs
			case strings.HasPrefix(e, "steps."):
				p := strings.Split(e, ".")
				if len(p) != 4 || p[2] != "outputs" {
					t.Fatalf("expression %q", e)
				}
				return r.outputs[p[1]][p[3]]
			}
			t.Fatalf("action.yml uses expression %q, which this fake runner does not know", e)
			return ""
		})
	}
	for i, st := range a.Runs.Steps {
		if st.Uses != "" || st.If != "" {
			t.Fatalf("step %d: uses/if are not run by this fake runner", i)
		}
		if st.Shell != "bash" {
			t.Fatalf("step %s: shell %q, want bash (runs on Linux, macOS and Windows runners)", st.ID, st.Shell)
		}
		// Expressions in a run script are pasted into the shell code before it runs:
		// any input could inject commands. Inputs reach the scripts through env only.
		if expr.MatchString(st.Run) {
			t.Errorf("step %s: run script holds a ${{ }} expression; pass it through env", st.ID)
		}
		dir := t.TempDir()
		script, out, pathFile := filepath.Join(dir, "step.sh"), filepath.Join(dir, "output"), filepath.Join(dir, "path")
		for _, f := range []string{out, pathFile} {
			if err := os.WriteFile(f, nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.WriteFile(script, []byte(st.Run), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = r.workspace
		env := append(os.Environ(),
			"PATH="+strings.Join(append(append([]string{}, r.path...), os.Getenv("PATH")), string(os.PathListSeparator)),
			"CI=true", "GITHUB_ACTIONS=true", "NO_COLOR=",
			"RUNNER_OS="+r.os, "RUNNER_ARCH="+r.arch, "RUNNER_TEMP="+r.temp,
			"GITHUB_WORKSPACE="+r.workspace, "GITHUB_OUTPUT="+out, "GITHUB_PATH="+pathFile,
			"GITHUB_ACTION_PATH="+eval("${{ github.action_path }}"))
		for k, v := range st.Env {
			env = append(env, k+"="+eval(v))
		}
		cmd.Env = env
		log, err := cmd.CombinedOutput()
		r.logs[st.ID] = string(log)
		code := 0
		if err != nil {
			ee, ok := err.(*exec.ExitError)
			if !ok {
				t.Fatalf("step %s: %v", st.ID, err)
			}
			code = ee.ExitCode()
		}
		r.outputs[st.ID] = readOutputs(t, out)
		if b, _ := os.ReadFile(pathFile); len(b) > 0 {
			r.path = append(strings.Split(strings.TrimSpace(string(b)), "\n"), r.path...)
		}
		if code != 0 {
			return st.ID, code
		}
	}
	return "", 0
}

// readOutputs reads a GITHUB_OUTPUT file: name=value lines and name<<DELIM blocks.
func readOutputs(t *testing.T, file string) map[string]string {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	lines := strings.Split(string(b), "\n")
	for i := 0; i < len(lines); i++ {
		if k, v, ok := strings.Cut(lines[i], "="); ok && !strings.Contains(k, "<<") {
			m[k] = v
		} else if k, delim, ok := strings.Cut(lines[i], "<<"); ok {
			var val []string
			for i++; i < len(lines) && lines[i] != delim; i++ {
				val = append(val, lines[i])
			}
			m[k] = strings.Join(val, "\n")
		}
	}
	return m
}

// runnerPlatform is RUNNER_OS and RUNNER_ARCH for a Go platform.
func runnerPlatform(goos, goarch string) (string, string) {
	return map[string]string{"linux": "Linux", "darwin": "macOS", "windows": "Windows"}[goos],
		map[string]string{"amd64": "X64", "arm64": "ARM64"}[goarch]
}

// fakeRelease writes what a GitHub release of version holds for one platform, as
// .goreleaser.yaml names it, into dir/<version>/: the archive with the binary at its root
// (plus LICENSE) and the checksums file listing it. It returns the release URL (file://).
func fakeRelease(t *testing.T, dir, version, goos, goarch string, binary []byte) string {
	t.Helper()
	rel := filepath.Join(dir, version)
	if err := os.MkdirAll(rel, 0o755); err != nil {
		t.Fatal(err)
	}
	v := strings.TrimPrefix(version, "v")
	var buf bytes.Buffer
	var name string
	if goos == "windows" {
		name = fmt.Sprintf("layerkit_%s_%s_%s.zip", v, goos, goarch)
		zw := zip.NewWriter(&buf)
		for _, f := range []struct {
			name string
			body []byte
		}{{"LICENSE", []byte("MIT\n")}, {"layerkit.exe", binary}} {
			h := &zip.FileHeader{Name: f.name, Method: zip.Deflate}
			h.SetMode(0o755)
			w, err := zw.CreateHeader(h)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(f.body)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
	} else {
		name = fmt.Sprintf("layerkit_%s_%s_%s.tar.gz", v, goos, goarch)
		gz, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed) // a test's archive: fast, not small
		tw := tar.NewWriter(gz)
		for _, f := range []struct {
			name string
			body []byte
		}{{"LICENSE", []byte("MIT\n")}, {"layerkit", binary}} {
			tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o755, Size: int64(len(f.body)), Typeflag: tar.TypeReg})
			tw.Write(f.body)
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := gz.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(rel, name), buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	sums := fmt.Sprintf("%s  layerkit_%s_checksums.txt.other\n%s  %s\n", strings.Repeat("0", 64), v, hex.EncodeToString(sum[:]), name)
	if err := os.WriteFile(filepath.Join(rel, "layerkit_"+v+"_checksums.txt"), []byte(sums), 0o644); err != nil {
		t.Fatal(err)
	}
	return "file://" + filepath.ToSlash(dir)
}

func needBash(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake runner runs bash steps on Linux and macOS")
	}
	for _, tool := range []string{"bash", "curl", "tar"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found", tool)
		}
	}
}

// TestActionRelease runs the action as a workflow on this machine's runner would: it
// downloads the release archive for the runner's OS and architecture (a local release),
// checks it against the checksums file, puts layerkit on GITHUB_PATH, then runs
// layerkit check with annotations, the exit status --fail-on asks for, and a SARIF file.
func TestActionRelease(t *testing.T) {
	needBash(t)
	a := loadAction(t)
	bin := layerkitBinary(t)
	binary, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	ros, rarch := runnerPlatform(runtime.GOOS, runtime.GOARCH)
	if ros == "" || rarch == "" {
		t.Skipf("no runner platform for %s/%s", runtime.GOOS, runtime.GOARCH)
	}
	url := fakeRelease(t, t.TempDir(), "v9.9.9", runtime.GOOS, runtime.GOARCH, binary)
	workspace, _ := filepath.Abs(root)

	for _, tc := range []struct {
		name, path, failOn string
		wantCode           int
		want               []string // in the check step's log
		wantResults        bool     // SARIF has results
		long               bool     // run without -short only
	}{
		{"findings fail the step", "examples/package-in-layer", "", 1,
			[]string{"::error file=", "LK101", "aws_utils"}, true, false},
		{"fail-on never", "examples/package-in-layer", "never", 0, []string{"::error file="}, true, true},
		{"healthy app", "examples/healthy", "", 0, nil, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.long && testing.Short() {
				t.Skip("the same install and check with another --fail-on: runs without -short")
			}
			sarif := filepath.Join(t.TempDir(), "layerkit.sarif")
			r := &runner{os: ros, arch: rarch, workspace: workspace, temp: t.TempDir(),
				inputs: map[string]string{"version": "v9.9.9", "release-url": url, "path": tc.path, "sarif-file": sarif}}
			if tc.failOn != "" {
				r.inputs["fail-on"] = tc.failOn
			}
			step, code := r.run(t, a)
			if code != tc.wantCode || (code != 0 && step != "check") {
				t.Fatalf("step %q exited %d, want check step %d\ninstall log:\n%s\ncheck log:\n%s", step, code, tc.wantCode, r.logs["install"], r.logs["check"])
			}
			dest := filepath.Join(r.temp, "layerkit-bin")
			if len(r.path) != 1 || r.path[0] != dest {
				t.Errorf("GITHUB_PATH = %q, want [%s]", r.path, dest)
			}
			if got := r.outputs["install"]["path"]; got != filepath.Join(dest, "layerkit") {
				t.Errorf("output path = %q", got)
			}
			if got, err := os.ReadFile(filepath.Join(dest, "layerkit")); err != nil || !bytes.Equal(got, binary) {
				t.Errorf("installed binary differs from the release's (%v)", err)
			}
			if !strings.Contains(r.logs["install"], "layerkit (devel) (commit") {
				t.Errorf("install step did not print layerkit version:\n%s", r.logs["install"])
			}
			for _, w := range tc.want {
				if !strings.Contains(r.logs["check"], w) {
					t.Errorf("check log lacks %q:\n%s", w, r.logs["check"])
				}
			}
			if tc.want == nil && strings.Contains(r.logs["check"], "::") {
				t.Errorf("annotations on a healthy app:\n%s", r.logs["check"])
			}
			if got := r.outputs["check"]["sarif-file"]; got != sarif {
				t.Errorf("output sarif-file = %q, want %s", got, sarif)
			}
			var doc struct {
				Version string `json:"version"`
				Runs    []struct {
					Tool struct {
						Driver struct{ Name string } `json:"driver"`
					} `json:"tool"`
					Results []struct {
						RuleID string `json:"ruleId"`
					} `json:"results"`
				} `json:"runs"`
			}
			b, err := os.ReadFile(sarif)
			if err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(b, &doc); err != nil || doc.Version != "2.1.0" || len(doc.Runs) != 1 || doc.Runs[0].Tool.Driver.Name != "layerkit" {
				t.Fatalf("SARIF file is not layerkit's SARIF 2.1.0 (%v):\n%.300s", err, b)
			}
			if got := len(doc.Runs[0].Results) > 0; got != tc.wantResults {
				t.Errorf("SARIF has %d results, want results: %v", len(doc.Runs[0].Results), tc.wantResults)
			}
		})
	}
}

// TestActionPlatforms checks that each runner OS and architecture downloads the archive
// .goreleaser.yaml names for it (each release here holds only that one archive), a zip
// with layerkit.exe on Windows.
func TestActionPlatforms(t *testing.T) {
	needBash(t)
	if _, err := exec.LookPath("unzip"); err != nil {
		t.Skip("unzip not found (the Windows runners have it)")
	}
	a := loadAction(t)
	stub := []byte("#!/bin/sh\necho \"stub layerkit $*\"\n")
	for _, goos := range []string{"linux", "darwin", "windows"} {
		for _, goarch := range []string{"amd64", "arm64"} {
			ros, rarch := runnerPlatform(goos, goarch)
			t.Run(ros+"-"+rarch, func(t *testing.T) {
				url := fakeRelease(t, t.TempDir(), "v1.2.3", goos, goarch, stub)
				r := &runner{os: ros, arch: rarch, workspace: t.TempDir(), temp: t.TempDir(),
					inputs: map[string]string{"version": "v1.2.3", "release-url": url}}
				r.run(t, a)
				exe := "layerkit"
				if goos == "windows" {
					exe += ".exe"
				}
				if got, want := r.outputs["install"]["path"], filepath.Join(r.temp, "layerkit-bin", exe); got != want {
					t.Fatalf("installed %q, want %q\n%s", got, want, r.logs["install"])
				}
				if !strings.Contains(r.logs["install"], "stub layerkit version") {
					t.Errorf("install step did not run the installed binary:\n%s", r.logs["install"])
				}
			})
		}
	}
}

// TestActionRefuses checks the install step stops, with an error annotation and nothing
// on GITHUB_PATH, when the archive does not match its checksum, is not listed, does not
// exist, or the version or runner cannot be served.
func TestActionRefuses(t *testing.T) {
	needBash(t)
	a := loadAction(t)
	stub := []byte("#!/bin/sh\necho stub\n")
	for _, tc := range []struct {
		name, version, os, arch string
		tamper                  func(t *testing.T, rel string)
		want                    string
	}{
		{"checksum mismatch", "v1.2.3", "Linux", "X64", func(t *testing.T, rel string) {
			f := filepath.Join(rel, "v1.2.3", "layerkit_1.2.3_linux_amd64.tar.gz")
			b, _ := os.ReadFile(f)
			os.WriteFile(f, append(b, 0), 0o644)
		}, "checksum mismatch for layerkit_1.2.3_linux_amd64.tar.gz"},
		{"not in checksums", "v1.2.3", "Linux", "X64", func(t *testing.T, rel string) {
			os.WriteFile(filepath.Join(rel, "v1.2.3", "layerkit_1.2.3_checksums.txt"), []byte("abc  other.tar.gz\n"), 0o644)
		}, "layerkit_1.2.3_linux_amd64.tar.gz is not listed in layerkit_1.2.3_checksums.txt"},
		{"no such release", "v1.2.4", "Linux", "X64", nil, "could not download"},
		{"no archive for the platform", "v1.2.3", "macOS", "X64", nil, "could not download"},
		{"32-bit runner", "v1.2.3", "Linux", "X86", nil, "no layerkit release for runner architecture 'X86'"},
		{"no version", "", "Linux", "X64", nil, "the version input is required"},
		{"not a tag", "latest", "Linux", "X64", nil, "version 'latest' is not a release tag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rel := t.TempDir()
			url := fakeRelease(t, rel, "v1.2.3", "linux", "amd64", stub)
			if tc.tamper != nil {
				tc.tamper(t, rel)
			}
			r := &runner{os: tc.os, arch: tc.arch, workspace: t.TempDir(), temp: t.TempDir(),
				inputs: map[string]string{"version": tc.version, "release-url": url}}
			step, code := r.run(t, a)
			if step != "install" || code == 0 {
				t.Fatalf("step %q exited %d, want the install step to fail\n%s", step, code, r.logs["install"])
			}
			if !strings.Contains(r.logs["install"], "::error title=layerkit action::") || !strings.Contains(r.logs["install"], tc.want) {
				t.Errorf("install log lacks the error annotation %q:\n%s", tc.want, r.logs["install"])
			}
			if len(r.path) != 0 || r.outputs["install"]["path"] != "" {
				t.Errorf("failed install still set GITHUB_PATH %q / path %q", r.path, r.outputs["install"]["path"])
			}
		})
	}
}

// TestActionSource runs the action with version: source: go install from the action's
// own checkout (here, this repository), then the check with extra args.
func TestActionSource(t *testing.T) {
	needBash(t)
	if testing.Short() {
		t.Skip("builds layerkit with go install")
	}
	layerkitBinary(t) // warms the build cache go install uses
	a := loadAction(t)
	workspace, _ := filepath.Abs(root)
	r := &runner{os: "Linux", arch: "X64", workspace: workspace, temp: t.TempDir(),
		inputs: map[string]string{"version": "source", "path": "examples", "args": "--exclude build-* --exclude cdk-shared-layer", "format": "json", "fail-on": "never"}}
	step, code := r.run(t, a)
	if code != 0 {
		t.Fatalf("step %s exited %d\n%s\n%s", step, code, r.logs["install"], r.logs["check"])
	}
	if got := r.outputs["install"]["path"]; got != filepath.Join(r.temp, "layerkit-bin", "layerkit") {
		t.Errorf("output path = %q", got)
	}
	var doc struct {
		Version  int `json:"version"`
		Findings []struct {
			File string `json:"file"`
		} `json:"findings"`
	}
	log := r.logs["check"]
	if err := json.Unmarshal([]byte(log[strings.Index(log, "{"):]), &doc); err != nil || doc.Version != 1 {
		t.Fatalf("check step did not print layerkit's JSON (%v):\n%s", err, log)
	}
	for _, f := range doc.Findings {
		if strings.HasPrefix(f.File, "build-") || strings.HasPrefix(f.File, "cdk-shared-layer") {
			t.Errorf("args --exclude not applied: finding in %s", f.File)
		}
	}
	if len(doc.Findings) == 0 {
		t.Errorf("no findings in examples (package-in-layer has one):\n%s", log)
	}
}
