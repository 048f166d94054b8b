package layerbuild

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// needTool skips the test when the tool is missing, unless CI is set: then it fails,
// so that CI never passes by skipping.
func needTool(t *testing.T, name string, args ...string) {
	t.Helper()
	if err := exec.Command(name, args...).Run(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s %s is needed (CI is set): %v", name, strings.Join(args, " "), err)
		}
		t.Skipf("%s %s not available: %v", name, strings.Join(args, " "), err)
	}
}

// slowInstall skips under -short a test that runs pip or npm for real (5 to 20 s each on
// two cores). The inner loop keeps one real pip install (TestBuildIgnoresCurrentFolder) and
// every test that needs no installer; the full run (CI) has them all.
func slowInstall(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs a real pip/npm install; skipped under -short")
	}
}

func needPip(t *testing.T) { needTool(t, "python3", "-m", "pip", "--version") }
func needNpm(t *testing.T) { needTool(t, "npm", "--version") }

// hermeticEnv is the tools' environment for tests: no user or site configuration, no
// network index, caches in the test's folder.
func hermeticEnv(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	npmrc := filepath.Join(home, ".npmrc")
	if err := os.WriteFile(npmrc, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PIP_") || strings.HasPrefix(strings.ToLower(k), "npm_config_") || k == "HOME" || k == "UV_INDEX_URL" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+home, "PIP_CONFIG_FILE="+os.DevNull, "PIP_NO_CACHE_DIR=1",
		"npm_config_userconfig="+npmrc, "npm_config_cache="+filepath.Join(home, ".npm"),
		"npm_config_update_notifier=false")
}

// writeWheel writes DIST-VERSION-TAG.whl into dir: the files given, plus a
// .dist-info with METADATA, WHEEL and RECORD, as a wheel is.
func writeWheel(t *testing.T, dir, dist, version, tag string, files map[string]string, requires ...string) string {
	t.Helper()
	di := fmt.Sprintf("%s-%s.dist-info", dist, version)
	all := map[string]string{}
	for k, v := range files {
		all[k] = v
	}
	meta := fmt.Sprintf("Metadata-Version: 2.1\nName: %s\nVersion: %s\n", dist, version)
	for _, r := range requires {
		meta += "Requires-Dist: " + r + "\n"
	}
	all[di+"/METADATA"] = meta + "\n"
	pure := "false"
	if strings.HasSuffix(tag, "-any") {
		pure = "true"
	}
	all[di+"/WHEEL"] = fmt.Sprintf("Wheel-Version: 1.0\nGenerator: layerkit-test\nRoot-Is-Purelib: %s\nTag: %s\n", pure, tag)
	names := make([]string, 0, len(all))
	for k := range all {
		names = append(names, k)
	}
	sort.Strings(names)
	var record strings.Builder
	for _, k := range names {
		sum := sha256.Sum256([]byte(all[k]))
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", k, base64.RawURLEncoding.EncodeToString(sum[:]), len(all[k]))
	}
	fmt.Fprintf(&record, "%s/RECORD,,\n", di)
	all[di+"/RECORD"] = record.String()
	names = append(names, di+"/RECORD")

	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, fmt.Sprintf("%s-%s-%s.whl", dist, version, tag))
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	for _, k := range names {
		w, err := zw.Create(k)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(all[k])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// zipNames lists a zip's entries, in order.
func zipNames(t *testing.T, p string) []string {
	t.Helper()
	zr, err := zip.OpenReader(p)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out []string
	for _, f := range zr.File {
		out = append(out, f.Name)
	}
	return out
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// snapshot lists every file under dir with its size and mode, to show nothing changed.
func snapshot(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(&b, "%s %v %d %d\n", rel, info.Mode(), info.Size(), info.ModTime().UnixNano())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// execIn is a command run in dir with env.
func execIn(dir string, env []string, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	return cmd
}
