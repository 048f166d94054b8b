package runtimes

import (
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed python-stdlib.txt
var stdlibTxt string

// Platform tags of python-stdlib.txt.
const (
	PlatformWindows  = "windows"  // never importable on Lambda
	PlatformMacOS    = "macos"    // never importable on Lambda
	PlatformOptional = "optional" // may be missing from a Linux build; treated as present
)

// pyMinor is a Python 3 minor version; the catalogue covers Python 3 only.
type pyMinor int

type vrange struct{ lo, hi pyMinor } // inclusive; hi == openEnd for "3.11-"

const openEnd pyMinor = 1 << 20

type stdlibModule struct {
	ranges   []vrange
	platform string
}

func (m *stdlibModule) in(v pyMinor) bool {
	for _, r := range m.ranges {
		if v >= r.lo && v <= r.hi {
			return true
		}
	}
	return false
}

type stdlibTable struct {
	mods          map[string]*stdlibModule
	first, newest pyMinor // lowest and highest version named in the file
}

// stdlib parses the embedded module list on first use.
var stdlib = sync.OnceValue(func() *stdlibTable {
	t, err := parseStdlib(stdlibTxt)
	if err != nil {
		panic("runtimes: embedded python-stdlib.txt: " + err.Error())
	}
	return t
})

func parseMinor(s string) (pyMinor, error) {
	a, b, ok := strings.Cut(s, ".")
	if !ok || a != "3" {
		return 0, fmt.Errorf("bad version %q (want 3.N)", s)
	}
	n, err := strconv.Atoi(b)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("bad version %q", s)
	}
	return pyMinor(n), nil
}

func parseStdlib(txt string) (*stdlibTable, error) {
	t := &stdlibTable{mods: map[string]*stdlibModule{}, first: openEnd}
	for i, line := range strings.Split(txt, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) < 2 || len(fields) > 3 {
			return nil, fmt.Errorf("line %d: want name<TAB>versions[<TAB>tag]", i+1)
		}
		name := fields[0]
		if _, dup := t.mods[name]; dup {
			return nil, fmt.Errorf("line %d: %s listed twice", i+1, name)
		}
		m := &stdlibModule{}
		if len(fields) == 3 {
			switch fields[2] {
			case PlatformWindows, PlatformMacOS, PlatformOptional:
				m.platform = fields[2]
			default:
				return nil, fmt.Errorf("line %d: unknown tag %q", i+1, fields[2])
			}
		}
		for _, rs := range strings.Split(fields[1], ",") {
			var r vrange
			lo, hi, isRange := strings.Cut(rs, "-")
			var err error
			if r.lo, err = parseMinor(lo); err != nil {
				return nil, fmt.Errorf("line %d: %v", i+1, err)
			}
			switch {
			case !isRange:
				r.hi = r.lo
			case hi == "":
				r.hi = openEnd
			default:
				if r.hi, err = parseMinor(hi); err != nil {
					return nil, fmt.Errorf("line %d: %v", i+1, err)
				}
			}
			if r.hi < r.lo {
				return nil, fmt.Errorf("line %d: empty range %q", i+1, rs)
			}
			t.first = min(t.first, r.lo)
			t.newest = max(t.newest, r.lo)
			if r.hi != openEnd {
				t.newest = max(t.newest, r.hi)
			}
			m.ranges = append(m.ranges, r)
		}
		t.mods[name] = m
	}
	if len(t.mods) == 0 {
		return nil, fmt.Errorf("no modules")
	}
	return t, nil
}

func versionMinor(version string) (pyMinor, bool) {
	v, err := parseMinor(version)
	return v, err == nil
}

func fmtMinor(v pyMinor) string { return "3." + strconv.Itoa(int(v)) }

// StdlibHas reports whether top is a standard-library top-level module that
// can be imported on Lambda (Linux) with this runtime's Python. Windows-only
// and macOS-only modules (winreg, msvcrt, _scproxy…) are false; modules that
// a Linux build may lack (tkinter) are true. False for non-Python runtimes.
func (r *Runtime) StdlibHas(top string) bool {
	if !r.IsPython() || r.major != 3 {
		return false
	}
	return StdlibHasVersion(top, r.Version)
}

// StdlibHasVersion is [Runtime.StdlibHas] for a version string ("3.12").
func StdlibHasVersion(top, version string) bool {
	v, ok := versionMinor(version)
	if !ok {
		return false
	}
	m := stdlib().mods[top]
	if m == nil || m.platform == PlatformWindows || m.platform == PlatformMacOS {
		return false
	}
	return m.in(v)
}

// IsStdlibName reports whether top is a standard-library name in any
// catalogued version on any platform (sys.stdlib_module_names of some
// version). Useful to tell "removed from the stdlib" or "Windows-only" apart
// from "third-party".
func IsStdlibName(top string) bool { return stdlib().mods[top] != nil }

// StdlibPlatform returns "windows" or "macos" for standard-library modules
// that exist only on that platform, "optional" for those a Linux build may
// lack, and "" otherwise.
func StdlibPlatform(top string) string {
	if m := stdlib().mods[top]; m != nil {
		return m.platform
	}
	return ""
}

// StdlibRemovedIn reports the Python version that removed top from the
// standard library, when top existed in an earlier version than version but
// does not exist in version: StdlibRemovedIn("imp", "3.12") = ("3.12", true);
// StdlibRemovedIn("telnetlib", "3.14") = ("3.13", true). ok is false when top
// exists in version, never existed before it, or is not a stdlib name.
// Platform tags are ignored (a Windows-only module is not "removed").
func StdlibRemovedIn(top string, version string) (removedIn string, ok bool) {
	v, vok := versionMinor(version)
	m := stdlib().mods[top]
	if !vok || m == nil || m.in(v) {
		return "", false
	}
	// The latest range that ends before v: the module was removed the version
	// after its end.
	var best pyMinor = -1
	for _, r := range m.ranges {
		if r.hi != openEnd && r.hi < v && r.hi > best {
			best = r.hi
		}
	}
	if best < 0 {
		return "", false
	}
	return fmtMinor(best + 1), true
}

// StdlibAddedIn returns the first catalogued version that has top in its
// standard library ("tomllib" → "3.11"), or "" if top is not a stdlib name.
// The catalogue starts at 3.6, so "3.6" means "3.6 or earlier".
func StdlibAddedIn(top string) string {
	m := stdlib().mods[top]
	if m == nil {
		return ""
	}
	lo := openEnd
	for _, r := range m.ranges {
		lo = min(lo, r.lo)
	}
	return fmtMinor(lo)
}

// StdlibNames returns the sorted standard-library top-level names of a Python
// version ("3.11"), as sys.stdlib_module_names would list them on any
// platform (Windows- and macOS-only modules included). Nil for an unknown
// version.
func StdlibNames(version string) []string {
	v, ok := versionMinor(version)
	t := stdlib()
	if !ok || v < t.first || v > t.newest {
		return nil
	}
	var out []string
	for name, m := range t.mods {
		if m.in(v) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}
