package layerbuild

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/layerkit/layerkit/internal/pydist"
	"github.com/layerkit/layerkit/internal/pymeta"
)

// PlatformTags returns the wheel platform tags a Python runtime accepts on arch, most
// specific first: manylinux_2_X for every X from the runtime's glibc down to 17 (PEP
// 600), then the legacy manylinux2014 (and, on x86_64, manylinux2010 and manylinux1,
// which pip adds itself when given manylinux2014).
func PlatformTags(glibc, arch string) []string {
	machine := wheelMachine(arch)
	minor := glibcMinor(glibc)
	var tags []string
	for m := minor; m >= 17; m-- {
		tags = append(tags, fmt.Sprintf("manylinux_2_%d_%s", m, machine))
	}
	return append(tags, "manylinux2014_"+machine)
}

// uvPlatform is uv's --python-platform for the runtime: the newest manylinux target uv
// knows (2_17, 2_28, 2_31 to 2_40) that the runtime's glibc can load.
func uvPlatform(glibc, arch string) string {
	minor := glibcMinor(glibc)
	best := 17
	for _, m := range []int{28, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40} {
		if m <= minor {
			best = m
		}
	}
	return fmt.Sprintf("%s-manylinux_2_%d", wheelMachine(arch), best)
}

func wheelMachine(arch string) string {
	if arch == "arm64" {
		return "aarch64"
	}
	return "x86_64"
}

func glibcMinor(glibc string) int {
	_, minor, _ := strings.Cut(glibc, ".")
	m, err := strconv.Atoi(minor)
	if err != nil || m < 17 {
		return 17
	}
	return m
}

func (b *builder) assemblePython() error {
	res := b.res
	kept := hasDir(b.src, "python")
	res.Prefix = "python/"
	if kept {
		res.Prefix = ""
	}
	site := filepath.Join(b.layer, "python")
	if err := os.MkdirAll(site, 0o755); err != nil {
		return err
	}
	req := b.o.Requirements
	var data []byte
	if req == "" {
		p := filepath.Join(b.o.Src, "requirements.txt")
		if _, err := os.Lstat(p); err == nil {
			req = p
			if data, err = b.readSourceFile(filepath.Join(b.src, "requirements.txt"), p); err != nil {
				return err
			}
		}
	} else if !fileExists(req) {
		return inputErr("-r %s: no such file", req)
	} else {
		var err error
		if data, err = readRegular(req, req); err != nil {
			return inputErr("-r %s: %v", req, err)
		}
	}
	if req != "" {
		if !hasRequirements(data) {
			b.note("%s lists no requirement; nothing to install", req)
		} else {
			if !b.o.AllowSdist {
				if err := b.checkRequirements(req, data); err != nil {
					return err
				}
			}
			if err := b.pipInstall(req, data, site); err != nil {
				return err
			}
			res.Requirements = req
		}
	}
	if err := b.ctx.Err(); err != nil {
		return err
	}
	dst := site
	if kept {
		dst = b.layer
	}
	over, special, err := copyTree(b.src, b.o.Src, dst, b.o.FollowSymlinks, nil)
	if err != nil {
		return fmt.Errorf("copying %s: %w", b.o.Src, err)
	}
	b.noteSpecial(special)
	if len(over) > 0 {
		b.note("the source folder replaces %d installed file(s) (%s)", len(over), topNames(over))
	}
	return b.excludePython()
}

// hasRequirements reports whether a requirements file has anything but comments.
func hasRequirements(data []byte) bool {
	sc := bufio.NewScanner(strings.NewReader(string(data)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, " #"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line != "" && !strings.HasPrefix(line, "#") {
			return true
		}
	}
	return false
}

// pipInstall installs req (its text: data) into site for the target runtime with uv or
// pip. Unless --no-index, the package index is asked at the same time (probeIndex):
// when it does not answer, the installer is stopped and the error says so.
func (b *builder) pipInstall(req string, data []byte, site string) error {
	major, minor := b.rt.PyVersion()
	pyVersion := fmt.Sprintf("%d.%d", major, minor)
	var findLinks []string
	for _, d := range b.o.FindLinks {
		if !strings.Contains(d, "://") {
			if abs, err := filepath.Abs(d); err == nil {
				d = abs
			}
		}
		findLinks = append(findLinks, d)
	}
	useUV := false
	switch b.o.Installer {
	case "uv":
		useUV = true
	case "", "auto":
		_, err := b.lookPath("uv")
		useUV = err == nil
	}
	var argv []string
	if useUV {
		uv, err := b.lookPath("uv")
		if err != nil {
			return inputErr("--installer uv: uv is not on PATH (https://docs.astral.sh/uv/)")
		}
		version, _ := b.output(uv, "--version")
		b.res.Tool = strings.TrimSpace(version)
		if b.res.Tool == "" {
			b.res.Tool = "uv"
		}
		// --no-config: no uv.toml or pyproject.toml [tool.uv] of the current folder
		// (the repository) changes what uv does.
		argv = []string{uv, "pip", "install", "--no-config", "--target", site, "--requirement", req,
			"--python-version", pyVersion, "--python-platform", uvPlatform(b.rt.Glibc, b.arch)}
		if b.o.Python != "" {
			argv = append(argv, "--python", b.o.Python)
		}
		if !b.o.AllowSdist {
			argv = append(argv, "--only-binary", ":all:")
		}
		b.res.Target = fmt.Sprintf("cp%d%d, %s", major, minor, uvPlatform(b.rt.Glibc, b.arch))
	} else {
		py, version, err := b.findPip()
		if err != nil {
			return err
		}
		b.res.Tool = version
		argv = []string{py, "-m", "pip", "install", "--target", site, "--requirement", req}
		if b.o.AllowSdist {
			// pip refuses --platform and --python-version unless it installs wheels
			// only, so with sdists it can only install for this machine.
			argv = append(argv, "--prefer-binary")
			b.res.Target = "this machine's Python and platform"
		} else {
			argv = append(argv, "--implementation", "cp", "--python-version", pyVersion, "--only-binary=:all:")
			tags := PlatformTags(b.rt.Glibc, b.arch)
			for _, t := range tags {
				argv = append(argv, "--platform", t)
			}
			b.res.Target = fmt.Sprintf("cp%d%d, %s to %s", major, minor, tags[0], tags[len(tags)-1])
		}
		argv = append(argv, "--no-compile", "--disable-pip-version-check", "--no-input", "--no-warn-script-location")
	}
	for _, d := range findLinks {
		argv = append(argv, "--find-links", d)
	}
	if b.o.NoIndex {
		argv = append(argv, "--no-index")
	}
	if b.o.AllowSdist {
		if useUV {
			b.note("--allow-sdist: packages without a wheel are built from source on this machine; compiled ones may not load on %s/%s (the check below looks at native files)", b.rt.ID, b.arch)
		} else {
			b.note("--allow-sdist: pip cannot target another platform when it may build from source, so it installs for this machine's Python and CPU, not %s/%s; the check below looks at native files — prefer uv, or wheels", b.rt.ID, b.arch)
		}
	}
	b.res.Command = argv
	if b.o.Verbose {
		b.logf("$ %s\n", quoteCommand(argv))
	}
	label := "pip"
	if useUV {
		label = "uv"
	}
	// PYTHONSAFEPATH (Python 3.11+): `python -m pip` does not put the current folder
	// first on sys.path, so a pip.py or pip/ of the repository is not what runs.
	// Older Pythons run pip in the private work folder, with absolute paths.
	dir := ""
	if !useUV && b.pyMinor < 11 {
		dir = b.tmp
		for i, a := range argv {
			if i > 0 && (argv[i-1] == "--requirement" || argv[i-1] == "--find-links") && !strings.Contains(a, "://") {
				if abs, err := filepath.Abs(a); err == nil {
					argv[i] = abs
				}
			}
		}
		b.res.Command = argv
	}
	ctx, stop := context.WithCancelCause(b.ctx)
	defer stop(nil)
	if !b.o.NoIndex {
		index, from := b.packageIndex(data, useUV)
		download := fmt.Sprintf("pip download -r %s -d wheels/ --only-binary=:all: --implementation cp --python-version %s", filepath.Base(req), pyVersion)
		for _, t := range PlatformTags(b.rt.Glibc, b.arch) {
			download += " --platform " + t // pip does not widen manylinux_2_X to older ones
		}
		go func() {
			if err := probeIndex(ctx, index); err != nil && ctx.Err() == nil {
				stop(&errIndex{index: index, from: from, err: err, download: download})
			}
		}()
	}
	err := b.runIn(ctx, label, dir, []string{"PIP_DISABLE_PIP_VERSION_CHECK=1", "PYTHONDONTWRITEBYTECODE=1", "PYTHONSAFEPATH=1"}, argv[0], argv[1:]...)
	var ie *errIndex
	if errors.As(context.Cause(ctx), &ie) && b.ctx.Err() == nil {
		return inputErr("%v", ie)
	}
	if err != nil && b.ctx.Err() == nil {
		msg := err.Error()
		if !b.o.AllowSdist && (strings.Contains(msg, "satisfies the requirement") || strings.Contains(msg, "No solution found") || strings.Contains(msg, "no matching distribution") || strings.Contains(msg, "has no usable wheels")) {
			msg += fmt.Sprintf("\n  layerkit installs wheels for %s (cp%d%d) on %s with glibc %s or older; a package without such a wheel cannot be installed for Lambda from here (--allow-sdist builds source distributions, for this machine)",
				b.rt.ID, major, minor, b.arch, b.rt.Glibc)
		}
		return fmt.Errorf("installing %s: %s", req, msg)
	}
	return err
}

// findPip returns a Python that has pip (its real executable, past pyenv-style shims),
// and pip's version ("pip 23.2.1"). Answers are cached for the process.
func (b *builder) findPip() (python, version string, err error) {
	candidates := []string{"python3", "python"}
	if b.o.Python != "" {
		candidates = []string{b.o.Python}
	}
	for _, c := range candidates {
		p, err := b.lookPath(c)
		if err != nil {
			continue
		}
		pipMu.Lock()
		info, ok := pipCache[p]
		pipMu.Unlock()
		if !ok {
			out, err := b.output(p, "-c", "import sys, pip; print(sys.executable); print(pip.__version__); print(sys.version_info[1])")
			if lines := strings.Split(out, "\n"); err == nil && len(lines) >= 2 && len(lines) <= 3 && lines[0] != "" {
				info = [3]string{strings.TrimSpace(lines[0]), "pip " + strings.TrimSpace(lines[1])}
				if len(lines) == 3 {
					info[2] = strings.TrimSpace(lines[2])
				}
			}
			if b.ctx.Err() != nil {
				return "", "", b.ctx.Err()
			}
			pipMu.Lock()
			pipCache[p] = info
			pipMu.Unlock()
		}
		if info[0] != "" {
			b.pyMinor, _ = strconv.Atoi(info[2])
			return info[0], info[1], nil
		}
	}
	if b.o.Installer == "pip" || b.o.Python != "" {
		return "", "", inputErr("pip is not available (tried %s -m pip): install pip for it (Debian/Ubuntu: apt-get install python3-pip), or use uv", strings.Join(candidates, ", "))
	}
	return "", "", inputErr("neither uv nor pip is available to install the requirements: install uv (https://docs.astral.sh/uv/) or pip for python3 (Debian/Ubuntu: apt-get install python3-pip)")
}

var (
	pipMu    sync.Mutex
	pipCache = map[string][3]string{} // interpreter found on PATH → [executable, "pip X.Y", minor version]
)

// sitesIn lists the folders of the layer Python imports installed distributions from:
// the runtime catalogue's layer folders (python/lib/pythonX.Y/site-packages/ and
// python/ for the runtime's version) that exist, python/ first.
func (b *builder) sitesIn() []string {
	var sites []string
	for _, d := range b.rt.LayerDirs() {
		if p := filepath.Join(b.layer, filepath.FromSlash(d)); hasDir(p, "") {
			sites = append(sites, p)
		}
	}
	slices.Reverse(sites)
	return sites
}

// distInfo is one installed distribution.
type distInfo struct {
	site, dir     string // the site folder; the .dist-info folder's name
	name, version string
	files         []string // RECORD paths relative to site, slash-separated
	tops          []string // the top-level import names RECORD installs, sorted
}

// installedDists reads the .dist-info folders of site.
func installedDists(site string) []distInfo {
	entries, err := os.ReadDir(site)
	if err != nil {
		return nil
	}
	var out []distInfo
	for _, e := range entries {
		if !e.IsDir() || !strings.HasSuffix(e.Name(), ".dist-info") {
			continue
		}
		d := distInfo{site: site, dir: e.Name()}
		base := strings.TrimSuffix(e.Name(), ".dist-info")
		d.name, d.version, _ = strings.Cut(base, "-")
		if meta, err := os.ReadFile(filepath.Join(site, e.Name(), "METADATA")); err == nil {
			m := pymeta.ParseMetadata(meta)
			if m.Name != "" {
				d.name = m.Name
			}
			if m.Version != "" {
				d.version = m.Version
			}
		}
		if data, err := os.ReadFile(filepath.Join(site, e.Name(), "RECORD")); err == nil {
			rec := pymeta.ParseRecord(data)
			for _, r := range rec {
				d.files = append(d.files, r.Path)
			}
			d.tops = pymeta.TopLevelFromRecord(rec)
			sort.Strings(d.tops)
		}
		out = append(out, d)
	}
	return out
}

// excludePython drops the files of the --exclude distributions, keeping their
// .dist-info.
func (b *builder) excludePython() error {
	if len(b.o.Exclude) == 0 {
		return nil
	}
	var all []distInfo
	for _, s := range b.sitesIn() {
		all = append(all, installedDists(s)...)
	}
	for _, name := range b.o.Exclude {
		want := pydist.Normalize(name)
		found := false
		for _, d := range all {
			if pydist.Normalize(d.name) != want {
				continue
			}
			found = true
			ex := Excluded{Name: strings.TrimSpace(d.name + " " + d.version), KeptDir: d.dir}
			dirs := map[string]bool{}
			for _, f := range d.files {
				if f == d.dir || strings.HasPrefix(f, d.dir+"/") || strings.HasPrefix(f, "../") || strings.HasPrefix(f, "/") {
					continue
				}
				p := filepath.Join(d.site, filepath.FromSlash(f))
				st, err := os.Lstat(p)
				if err != nil || st.IsDir() {
					continue
				}
				if err := os.Remove(p); err != nil {
					return err
				}
				ex.Files++
				ex.Size += st.Size()
				for dir := filepath.Dir(p); dir != d.site && inside(dir, d.site); dir = filepath.Dir(dir) {
					dirs[dir] = true
				}
			}
			// remove the folders left empty (and their __pycache__), deepest first
			var ds []string
			for d := range dirs {
				ds = append(ds, d)
			}
			sort.Slice(ds, func(i, j int) bool { return len(ds[i]) > len(ds[j]) })
			for _, dir := range ds {
				os.RemoveAll(filepath.Join(dir, "__pycache__"))
				os.Remove(dir) // fails, as it should, when not empty
			}
			b.res.Excluded = append(b.res.Excluded, ex)
			var tops []string
			for _, m := range d.tops {
				if ok, _ := b.rt.ProvidesImport(m); !ok {
					tops = append(tops, m)
				}
			}
			if len(tops) > 0 {
				b.note("--exclude %s: %s does not provide %s; a function importing it will fail unless it brings its own", name, b.rt.ID, strings.Join(tops, ", "))
			}
		}
		if !found {
			var names []string
			for _, d := range all {
				names = append(names, d.name)
			}
			sort.Strings(names)
			have := "none is installed"
			if len(names) > 0 {
				have = "installed: " + strings.Join(names, ", ")
			}
			return inputErr("--exclude %s: no installed distribution of that name (%s)", name, have)
		}
	}
	return nil
}
