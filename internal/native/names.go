package native

import (
	"regexp"
	"strconv"
	"strings"
)

// NameKind says what a native file's name says it is.
type NameKind int

const (
	NotNative  NameKind = iota
	Versioned           // an extension for one CPython: .cpython-312-x86_64-linux-gnu.so, .cp311-win_amd64.pyd
	ABI3                // a stable-ABI extension: .abi3.so
	PlainSO             // name.so: an extension CPython loads on any version, or a helper library
	SharedLib           // a versioned shared library: libfoo.so.1, libfoo-1a2b3c.so.1.2
	PyPy                // built for PyPy: .pypy39-pp73-x86_64-linux-gnu.so
	WindowsPYD          // .pyd (Windows extension)
	MacDylib            // .dylib (macOS library)
)

// Name is what a native file name says.
type Name struct {
	Kind NameKind
	// Module is the import name the file provides ("_speed" for
	// _speed.cpython-312-x86_64-linux-gnu.so); "" for shared libraries.
	Module string
	// Python is the CPython version the tag names ("3.12"), "" when none.
	Python string
	// FreeThreaded is true for a free-threaded build tag (cpython-313t).
	FreeThreaded bool
	// Machine is the machine in the tag ("x86_64", "aarch64", "i386", "arm",
	// "amd64" for win_amd64, ...); "" when the name carries none.
	Machine string
	// OS is the platform in the tag: "linux-gnu", "linux-musl", "darwin", "win"; ""
	// when none.
	OS string
}

var (
	// .cpython-312-x86_64-linux-gnu.so, .cpython-37m-darwin.so, .cpython-313t-aarch64-linux-gnu.so,
	// .cpython-311-arm-linux-gnueabihf.so, .cpython-312.so
	cpythonRE = regexp.MustCompile(`^([^.]+)\.cpython-(\d)(\d+)([dmut]*)(?:-([a-z0-9_-]+))?\.so$`)
	// .cp311-win_amd64.pyd, .cp311-win32.pyd
	pydTagRE = regexp.MustCompile(`^([^.]+)\.cp(\d)(\d+)(t?)-(win32|win_amd64|win_arm64)\.pyd$`)
	// .pypy39-pp73-x86_64-linux-gnu.so
	pypyRE = regexp.MustCompile(`^([^.]+)\.pypy\d+-pp\d+(?:-([a-z0-9_]+)-(linux-gnu|darwin|win_amd64))?\.so$`)
	// libfoo.so.1, libfoo-abc.so.1.2.3
	sharedLibRE = regexp.MustCompile(`\.so(\.\d+)+$`)
)

// ParseName reads a file's base name. Kind is NotNative for anything that is not a
// compiled-code name (.so, .so.N, .pyd, .dylib).
func ParseName(base string) Name {
	if !strings.Contains(base, ".so") && !strings.HasSuffix(base, ".pyd") && !strings.HasSuffix(base, ".dylib") {
		return Name{} // the common case: no regexp
	}
	switch {
	case strings.HasSuffix(base, ".pyd"):
		if m := pydTagRE.FindStringSubmatch(base); m != nil {
			n := Name{Kind: WindowsPYD, Module: m[1], Python: m[2] + "." + m[3], FreeThreaded: m[4] == "t", OS: "win"}
			switch m[5] {
			case "win_amd64":
				n.Machine = "amd64"
			case "win_arm64":
				n.Machine = "arm64"
			default:
				n.Machine = "i386"
			}
			return n
		}
		return Name{Kind: WindowsPYD, Module: firstDot(base), OS: "win"}
	case strings.HasSuffix(base, ".dylib"):
		return Name{Kind: MacDylib, OS: "darwin"}
	case sharedLibRE.MatchString(base):
		return Name{Kind: SharedLib}
	case !strings.HasSuffix(base, ".so") || base == ".so":
		return Name{}
	}
	if m := cpythonRE.FindStringSubmatch(base); m != nil {
		n := Name{Kind: Versioned, Module: m[1], Python: m[2] + "." + m[3], FreeThreaded: strings.Contains(m[4], "t")}
		// The platform part: "darwin", or "<machine>-linux-gnu" (gnueabihf, musl, ...).
		switch rest := m[5]; {
		case rest == "":
		case strings.Contains(rest, "-linux-"):
			mach, os, _ := strings.Cut(rest, "-linux-")
			n.Machine, n.OS = mach, "linux-"+os
			switch {
			case strings.HasPrefix(os, "gnu"):
				n.OS = "linux-gnu"
			case strings.HasPrefix(os, "musl"):
				n.OS = "linux-musl"
			}
		case strings.HasPrefix(rest, "darwin"):
			n.OS = "darwin"
		default:
			n.OS = rest
		}
		return n
	}
	if m := pypyRE.FindStringSubmatch(base); m != nil {
		return Name{Kind: PyPy, Module: m[1], Machine: m[2], OS: m[3]}
	}
	if mod, ok := strings.CutSuffix(base, ".abi3.so"); ok && mod != "" && !strings.Contains(mod, ".") {
		return Name{Kind: ABI3, Module: mod}
	}
	mod := strings.TrimSuffix(base, ".so")
	if strings.Contains(mod, ".") {
		// x.y.so is module "x.y" to CPython, which no import can name: a library.
		return Name{Kind: SharedLib}
	}
	return Name{Kind: PlainSO, Module: mod}
}

func firstDot(s string) string {
	if i := strings.IndexByte(s, '.'); i > 0 {
		return s[:i]
	}
	return s
}

// IsNativeName reports whether base names compiled code: whether ParseName's Kind is
// not NotNative, without its regexps for the usual names (it is asked about every file
// of every layer).
func IsNativeName(base string) bool {
	switch {
	case strings.HasSuffix(base, ".pyd"), strings.HasSuffix(base, ".dylib"):
		return true
	case strings.HasSuffix(base, ".so"):
		return base != ".so"
	}
	return strings.Contains(base, ".so.") && sharedLibRE.MatchString(base)
}

// Platform is what a wheel platform tag (or a WHEEL file's Tag line) says.
type Platform struct {
	Tag string // as written: "manylinux_2_17_x86_64"
	// OS is "any", "linux" (a plain linux_x86_64 tag), "manylinux", "musllinux",
	// "macosx", "win", or "" when unknown.
	OS string
	// Machine is the machine part ("x86_64", "aarch64", "arm64", "universal2",
	// "amd64", "i686", ...); "" for "any".
	Machine string
	// Glibc is the minimum glibc a manylinux tag promises to need; zero otherwise.
	Glibc Glibc
}

var legacyManylinux = map[string]Glibc{"manylinux1": {2, 5}, "manylinux2010": {2, 12}, "manylinux2014": {2, 17}}

var manylinuxRE = regexp.MustCompile(`^manylinux_(\d+)_(\d+)_(.+)$`)

// ParsePlatform reads one platform tag (wheel file name or WHEEL "Tag:" third part).
func ParsePlatform(tag string) Platform {
	p := Platform{Tag: tag}
	switch {
	case tag == "any":
		p.OS = "any"
	case strings.HasPrefix(tag, "manylinux_"):
		if m := manylinuxRE.FindStringSubmatch(tag); m != nil {
			maj, _ := strconv.Atoi(m[1])
			min, _ := strconv.Atoi(m[2])
			p.OS, p.Machine, p.Glibc = "manylinux", m[3], Glibc{maj, min}
		}
	case strings.HasPrefix(tag, "manylinux"):
		legacy, mach, ok := strings.Cut(tag, "_")
		if g, known := legacyManylinux[legacy]; ok && known {
			p.OS, p.Machine, p.Glibc = "manylinux", mach, g
		}
	case strings.HasPrefix(tag, "musllinux_"):
		parts := strings.SplitN(tag, "_", 4)
		if len(parts) == 4 {
			p.OS, p.Machine = "musllinux", parts[3]
		}
	case strings.HasPrefix(tag, "linux_"):
		p.OS, p.Machine = "linux", strings.TrimPrefix(tag, "linux_")
	case strings.HasPrefix(tag, "macosx_"):
		parts := strings.SplitN(tag, "_", 4)
		p.OS = "macosx"
		if len(parts) == 4 {
			p.Machine = parts[3]
		}
	case tag == "win32":
		p.OS, p.Machine = "win", "i386"
	case strings.HasPrefix(tag, "win_"):
		p.OS, p.Machine = "win", strings.TrimPrefix(tag, "win_")
	}
	return p
}

// Fits says whether code built for this platform loads on Lambda on arch ("x86_64" or
// "arm64") with the runtime's glibc, and if not, why (a short phrase).
func (p Platform) Fits(arch string, glibc Glibc) (bool, string) {
	switch p.OS {
	case "any":
		return true, ""
	case "macosx":
		return false, "it is built for macOS"
	case "win":
		return false, "it is built for Windows"
	case "musllinux":
		return false, "it is built for musl libc (Alpine), and Lambda's Linux uses glibc"
	case "manylinux", "linux":
		if a := ArchOfMachine(p.Machine); a != MachineArch(arch) {
			return false, "it is built for " + p.Machine
		}
		if p.OS == "manylinux" && !glibc.IsZero() && glibc.Less(p.Glibc) {
			return false, "it needs glibc " + p.Glibc.String()
		}
		return true, ""
	}
	return true, "" // unknown tags: say nothing
}

// MachineArch normalises a Lambda architecture ("" means x86_64).
func MachineArch(arch string) string {
	if arch == "" {
		return "x86_64"
	}
	return ArchOfMachine(arch)
}
