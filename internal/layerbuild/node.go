package layerbuild

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

func (b *builder) assembleNode() error {
	res := b.res
	kept := hasDir(b.src, "nodejs")
	res.Prefix = "nodejs/"
	pkgSrc, layerPkg := b.src, filepath.Join(b.layer, "nodejs")
	if kept {
		res.Prefix = ""
		pkgSrc = filepath.Join(b.src, "nodejs")
	}
	install := fileExists(filepath.Join(pkgSrc, "package.json"))
	modules := "node_modules"
	dst := layerPkg
	if kept {
		modules = "nodejs/node_modules"
		dst = b.layer
	}
	if install && hasDir(pkgSrc, "node_modules") && b.o.Verbose {
		b.logf("layerkit: %s is not copied: npm installs the dependencies afresh, for the target\n", filepath.Join(b.o.Src, modules))
	}
	_, special, err := copyTree(b.src, b.o.Src, dst, b.o.FollowSymlinks, func(rel string) bool { return install && rel == modules })
	if err != nil {
		return fmt.Errorf("copying %s: %w", b.o.Src, err)
	}
	b.noteSpecial(special)
	if install {
		if err := b.npmInstall(pkgSrc, layerPkg); err != nil {
			return err
		}
		res.Requirements = filepath.Join(b.o.Src, strings.TrimSuffix(modules, "node_modules"), "package.json")
	}
	return b.excludeNode(filepath.Join(layerPkg, "node_modules"))
}

// npmInstall installs the production dependencies of the package.json in pkgSrc into
// dest/node_modules. npm runs in a scratch folder holding package.json and the
// lockfile, with relative file: specs made absolute so they still point at SRC's
// neighbours; the layer keeps SRC's own package.json and lockfile.
func (b *builder) npmInstall(pkgSrc, dest string) error {
	npm, err := b.lookPath("npm")
	if err != nil {
		return inputErr("npm is not on PATH: install Node.js with npm to build a Node.js layer")
	}
	version, _ := b.output(npm, "--version")
	b.res.Tool = strings.TrimSpace("npm " + version)
	work := filepath.Join(b.tmp, "npm")
	if err := os.MkdirAll(work, 0o755); err != nil {
		return err
	}
	lock := ""
	names := []string{"package.json", "npm-shrinkwrap.json", "package-lock.json"}
	if b.o.UseNpmrc {
		names = append(names, ".npmrc")
	} else if _, err := os.Lstat(filepath.Join(pkgSrc, ".npmrc")); err == nil {
		b.note("%s is not used (it can point npm at another registry or program); --use-npmrc uses it", displayPath(b.o.Src, relTo(b.src, filepath.Join(pkgSrc, ".npmrc"))))
	}
	for _, name := range names {
		p := filepath.Join(pkgSrc, name)
		if _, err := os.Lstat(p); err != nil {
			continue
		}
		data, err := b.readSourceFile(p, displayPath(b.o.Src, relTo(b.src, p)))
		if err != nil {
			return err
		}
		if strings.HasSuffix(name, ".json") {
			if data, err = absoluteFileSpecs(data, pkgSrc); err != nil {
				return inputErr("%s: %v", filepath.Join(pkgSrc, name), err)
			}
			if name != "package.json" && lock == "" {
				lock = name
			}
		}
		if err := os.WriteFile(filepath.Join(work, name), data, 0o644); err != nil {
			return err
		}
	}
	argv := []string{npm}
	if lock != "" {
		argv = append(argv, "ci")
	} else {
		argv = append(argv, "install", "--no-package-lock")
		b.note("no package-lock.json: npm resolves versions afresh, so another day may give another layer; commit a lockfile for reproducible builds")
	}
	// No package's install scripts run (preinstall, install, postinstall, prepare, an
	// implicit node-gyp rebuild), and file: folders are copied, not linked.
	argv = append(argv, "--omit=dev", "--no-audit", "--no-fund", "--ignore-scripts", "--install-links")
	if major, _ := strconv.Atoi(strings.SplitN(version, ".", 2)[0]); major >= 10 {
		cpu := "x64"
		if b.arch == "arm64" {
			cpu = "arm64"
		}
		argv = append(argv, "--os=linux", "--cpu="+cpu, "--libc=glibc")
	} else {
		b.note("npm %s cannot select optional dependencies for linux/%s (npm 10 can): platform packages are those of this machine", version, b.arch)
	}
	if b.o.NoIndex {
		argv = append(argv, "--offline")
	}
	if node, err := b.lookPath("node"); err == nil {
		if v, err := b.output(node, "--version"); err == nil {
			major := strings.SplitN(strings.TrimPrefix(v, "v"), ".", 2)[0]
			if major != b.rt.Version {
				b.note("npm runs with node %s; packages that compile native code at install are built for it, not for %s", v, b.rt.ID)
			}
		}
	}
	b.res.Command = argv
	if b.o.Verbose {
		b.logf("$ (cd %s && %s)\n", quoteCommand([]string{pkgSrc}), quoteCommand(argv))
	}
	if err := b.run("npm "+argv[1], work, []string{"npm_config_update_notifier=false"}, argv[0], argv[1:]...); err != nil {
		if b.ctx.Err() != nil {
			return err
		}
		return fmt.Errorf("installing %s: %v", filepath.Join(pkgSrc, "package.json"), err)
	}
	nm := filepath.Join(work, "node_modules")
	if !hasDir(nm, "") {
		return nil // no dependencies
	}
	os.Remove(filepath.Join(nm, ".package-lock.json")) // npm's cache of the tree: absolute paths, not needed
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return err
	}
	target := filepath.Join(dest, "node_modules")
	if err := os.RemoveAll(target); err != nil {
		return err
	}
	return os.Rename(nm, target)
}

// absoluteFileSpecs rewrites the relative file: specs of a package.json or lockfile
// (dependencies, resolved) to absolute ones, relative to dir.
func absoluteFileSpecs(data []byte, dir string) ([]byte, error) {
	if !bytes.Contains(data, []byte(`"file:`)) {
		return data, nil
	}
	var doc map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	var fix func(v any) any
	fix = func(v any) any {
		switch x := v.(type) {
		case string:
			if rest, ok := strings.CutPrefix(x, "file:"); ok && !filepath.IsAbs(rest) {
				return "file:" + filepath.ToSlash(filepath.Join(dir, filepath.FromSlash(rest)))
			}
		case map[string]any:
			for k, e := range x {
				x[k] = fix(e)
			}
		case []any:
			for i, e := range x {
				x[i] = fix(e)
			}
		}
		return v
	}
	fix(doc)
	return json.MarshalIndent(doc, "", "  ")
}

// excludeNode removes the --exclude packages from node_modules.
func (b *builder) excludeNode(nm string) error {
	for _, name := range b.o.Exclude {
		p := filepath.Join(nm, filepath.FromSlash(name))
		if strings.Contains(name, "..") || !hasDir(p, "") {
			return inputErr("--exclude %s: no such package in node_modules", name)
		}
		ex := Excluded{Name: name + packageVersion(p)}
		filepath.Walk(p, func(_ string, info os.FileInfo, err error) error {
			if err == nil && info.Mode().IsRegular() {
				ex.Files++
				ex.Size += info.Size()
			}
			return nil
		})
		if err := os.RemoveAll(p); err != nil {
			return err
		}
		b.res.Excluded = append(b.res.Excluded, ex)
		provided := false
		for _, pat := range b.rt.Provided {
			if pat == name || (strings.HasSuffix(pat, "/*") && strings.HasPrefix(name, strings.TrimSuffix(pat, "*"))) {
				provided = true
			}
		}
		if !provided {
			b.note("--exclude %s: %s does not provide it; a function requiring it will fail unless it brings its own", name, b.rt.ID)
		}
	}
	return nil
}

// packageVersion is " 1.2.3" from dir/package.json, or "".
func packageVersion(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		return ""
	}
	var p struct {
		Version string `json:"version"`
	}
	if json.Unmarshal(data, &p) != nil || p.Version == "" {
		return ""
	}
	return " " + p.Version
}
