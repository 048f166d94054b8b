// Package config reads layerkit's configuration file: `[tool.layerkit]` in
// pyproject.toml or the top level of .layerkit.toml, found in the checked folder or
// the nearest folder above it (as ruff finds its own), or named with --config.
//
//	select = ["LK101", "LK102"]             # only these rules (default: all)
//	ignore = ["deprecated-runtime"]         # never these
//	fail-on = "warning"                     # as --fail-on
//	exclude = ["examples", "legacy/*"]      # as --exclude
//	today = 2026-11-22                      # the date deprecation is judged against
//	report-unused-ignores = true            # as --report-unused-ignores
//	severity = { LK405 = "error" }          # a rule's findings at this severity
//	[per-function-ignores]                  # function name → codes
//	LegacyFunction = ["LK101"]
//	[per-path-ignores]                      # glob of files (relative to the config's folder) → codes
//	"src/vendored/*" = ["LK104"]
//
// Codes are written as codes, names or code prefixes (rulecode.Match), as on the
// command line. An unknown key, a value of the
// wrong type or an unknown code is an error naming the file and line.
package config

import (
	"bytes"
	"errors"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/nearest"
	"github.com/layerkit/layerkit/internal/rulecode"
)

// File is the configuration as written.
type File struct {
	Select              []string            `toml:"select"`
	Ignore              []string            `toml:"ignore"`
	FailOn              string              `toml:"fail-on"`
	Exclude             []string            `toml:"exclude"`
	Today               any                 `toml:"today"`
	ReportUnusedIgnores *bool               `toml:"report-unused-ignores"`
	Severity            map[string]string   `toml:"severity"`
	PerFunctionIgnores  map[string][]string `toml:"per-function-ignores"`
	PerPathIgnores      map[string][]string `toml:"per-path-ignores"`
}

// Config is a configuration read and checked.
type Config struct {
	// Path is the file it was read from; Dir its folder (absolute), against which
	// per-path-ignores and exclude are written.
	Path string
	Dir  string

	Select, Ignore      []rulecode.Code
	FailOn              string // "" when not set
	Exclude             []string
	Today               time.Time // zero when not set
	ReportUnusedIgnores *bool
	Severity            map[rulecode.Code]model.Severity
	PerFunction         map[string][]rulecode.Code
	PerPath             map[string][]rulecode.Code
}

// Names of the files Find looks for, in order, in each folder.
const (
	LayerkitFile  = ".layerkit.toml"
	PyprojectFile = "pyproject.toml"
)

// Find returns the configuration that applies to start (a file or folder): the nearest
// .layerkit.toml, or pyproject.toml with a [tool.layerkit] table, in start's folder or
// above it; nil when there is none. Files are read within lim (--max-template-size).
func Find(start string, lim iac.Limits) (*Config, error) {
	abs, err := filepath.Abs(start)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(abs); err == nil && !st.IsDir() {
		abs = filepath.Dir(abs)
	}
	for dir := abs; ; {
		for _, name := range []string{LayerkitFile, PyprojectFile} {
			p := filepath.Join(dir, name)
			if st, err := os.Stat(p); err != nil || st.IsDir() {
				continue
			}
			data, err := lim.ReadConfig(p)
			if err != nil {
				return nil, iac.Errorf(model.Pos{File: p}, "cannot read: %v", err)
			}
			if name == PyprojectFile && !hasToolLayerkit(data) {
				continue
			}
			return Parse(shown(p), data)
		}
		up := filepath.Dir(dir)
		if up == dir {
			return nil, nil
		}
		dir = up
	}
}

// shown is p (absolute) as messages name it: relative to the current folder, as the
// text report's paths are.
func shown(p string) string {
	if cwd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(cwd, p); err == nil {
			return rel
		}
	}
	return p
}

// Load reads the configuration file p (--config): a pyproject.toml is read for its
// [tool.layerkit] table, any other file as .layerkit.toml.
func Load(p string, lim iac.Limits) (*Config, error) {
	data, err := lim.ReadConfig(p)
	if err != nil {
		return nil, iac.Errorf(model.Pos{File: p}, "--config: cannot read: %v", err)
	}
	return Parse(p, data)
}

// hasToolLayerkit reports whether a pyproject.toml has a [tool.layerkit] table (or
// tool.layerkit keys); a pyproject.toml without one is not layerkit's configuration.
func hasToolLayerkit(data []byte) bool {
	if !bytes.Contains(data, []byte("layerkit")) {
		return false
	}
	var doc struct {
		Tool map[string]any `toml:"tool"`
	}
	if err := toml.Unmarshal(data, &doc); err != nil {
		return true // let Parse report the error with its line
	}
	_, ok := doc.Tool["layerkit"]
	return ok
}

// Parse reads the configuration in data, named p: the [tool.layerkit] table of a file
// named pyproject.toml, the whole document otherwise.
func Parse(p string, data []byte) (*Config, error) {
	var f File
	prefix := []string{}
	var err error
	if filepath.Base(p) == PyprojectFile {
		prefix = []string{"tool", "layerkit"}
		var doc struct {
			Tool struct {
				Layerkit *File `toml:"layerkit"`
			} `toml:"tool"`
		}
		err = decode(data, &doc)
		if doc.Tool.Layerkit != nil {
			f = *doc.Tool.Layerkit
		}
	} else {
		err = decode(data, &f)
	}
	if err != nil {
		var sm *toml.StrictMissingError
		var de *toml.DecodeError
		switch {
		case errors.As(err, &sm):
			for _, e := range sm.Errors {
				k := e.Key()
				if len(k) <= len(prefix) || !slices.Equal([]string(k[:len(prefix)]), prefix) {
					continue // another tool's key in pyproject.toml
				}
				line, col := e.Position()
				return nil, iac.Errorf(model.Pos{File: p, Line: line, Col: col}, "unknown configuration key %q (want select, ignore, fail-on, exclude, today, report-unused-ignores, severity, per-function-ignores, per-path-ignores)", strings.Join(k[len(prefix):], "."))
			}
		case errors.As(err, &de):
			line, col := de.Position()
			return nil, iac.Errorf(model.Pos{File: p, Line: line, Col: col}, "%s", strings.TrimPrefix(de.Error(), "toml: "))
		default:
			return nil, iac.Errorf(model.Pos{File: p}, "%v", err)
		}
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return nil, err
	}
	return check(p, filepath.Dir(abs), data, f)
}

func decode(data []byte, v any) error {
	d := toml.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	return d.Decode(v)
}

// check turns f into a Config, with the line of the first bad value.
func check(p, dir string, data []byte, f File) (*Config, error) {
	c := &Config{Path: p, Dir: dir, FailOn: f.FailOn, Exclude: f.Exclude, ReportUnusedIgnores: f.ReportUnusedIgnores}
	bad := func(s, format string, args ...any) error {
		return iac.Errorf(model.Pos{File: p, Line: lineOf(data, s)}, format, args...)
	}
	codes := func(key string, list []string) ([]rulecode.Code, error) {
		var out []rulecode.Code
		for _, s := range list {
			matched := rulecode.Match(s)
			if len(matched) == 0 {
				return nil, bad(s, "%s: unknown rule code %q (want a code like LK101, a name like unresolved-import or a prefix like LK1; layerkit explain --list lists them)%s", key, s, nearest.DidYouMean(s, rulecode.Names()))
			}
			for _, c := range matched {
				if !slices.Contains(out, c) {
					out = append(out, c)
				}
			}
		}
		return out, nil
	}
	var err error
	if c.Select, err = codes("select", f.Select); err != nil {
		return nil, err
	}
	if c.Ignore, err = codes("ignore", f.Ignore); err != nil {
		return nil, err
	}
	switch f.FailOn {
	case "", "error", "warning", "info", "never":
	default:
		return nil, bad(f.FailOn, "fail-on = %q: want error, warning, info or never", f.FailOn)
	}
	for _, g := range f.Exclude {
		if _, err := path.Match(g, ""); err != nil {
			return nil, bad(g, "exclude: %q is not a valid glob: %v", g, err)
		}
	}
	switch t := f.Today.(type) {
	case nil:
	case toml.LocalDate:
		c.Today = t.AsTime(time.UTC)
	case string:
		if c.Today, err = time.Parse("2006-01-02", t); err != nil {
			return nil, bad(t, "today = %q is not a date like 2026-11-22", t)
		}
	default:
		return nil, bad("today", "today must be a date like 2026-11-22")
	}
	if len(f.Severity) > 0 {
		c.Severity = map[rulecode.Code]model.Severity{}
	}
	// A prefix (LK4) sets its rules first, so that a code it holds (LK405) set on its
	// own wins whatever the order of the table.
	keys := make([]string, 0, len(f.Severity))
	for k := range f.Severity {
		keys = append(keys, k)
	}
	matched := map[string][]rulecode.Code{}
	for _, k := range keys {
		if matched[k], err = codes("severity", []string{k}); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(keys, func(a, b string) int {
		if d := len(matched[b]) - len(matched[a]); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	for _, k := range keys {
		v := f.Severity[k]
		var sev model.Severity
		switch v {
		case "error":
			sev = model.Error
		case "warning":
			sev = model.Warning
		case "info":
			sev = model.Info
		default:
			return nil, bad(v, "severity of %s = %q: want error, warning or info", k, v)
		}
		for _, code := range matched[k] {
			c.Severity[code] = sev
		}
	}
	if len(f.PerFunctionIgnores) > 0 {
		c.PerFunction = map[string][]rulecode.Code{}
	}
	for fn, list := range f.PerFunctionIgnores {
		if c.PerFunction[fn], err = codes("per-function-ignores."+fn, list); err != nil {
			return nil, err
		}
	}
	if len(f.PerPathIgnores) > 0 {
		c.PerPath = map[string][]rulecode.Code{}
	}
	for g, list := range f.PerPathIgnores {
		if _, err := path.Match(g, ""); err != nil {
			return nil, bad(g, "per-path-ignores: %q is not a valid glob: %v", g, err)
		}
		if c.PerPath[g], err = codes("per-path-ignores", list); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// lineOf is the first line of data holding s (quoted, else bare); 0 when none.
func lineOf(data []byte, s string) int {
	for _, needle := range []string{`"` + s + `"`, `'` + s + `'`, s} {
		if i := bytes.Index(data, []byte(needle)); i >= 0 {
			return bytes.Count(data[:i], []byte("\n")) + 1
		}
	}
	return 0
}
