package native

import (
	"fmt"
	"path"
	"strings"

	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

// Target is where code must load: one Lambda function's Python, architecture and OS.
type Target struct {
	Python string // "3.12"
	Arch   string // "x86_64" or "arm64"
	Glibc  Glibc  // the runtime OS's glibc (2.26 on Amazon Linux 2, 2.34 on AL2023)
	// NodeModuleVersion is the runtime's Node.js NODE_MODULE_VERSION (115 on
	// nodejs20.x); 0 for Python or when unknown.
	NodeModuleVersion int
}

// Problem kinds, most decisive first.
type ProblemKind int

const (
	Foreign     ProblemKind = iota + 1 // Mach-O, PE, .pyd, .dylib, musl: not for Lambda's Linux at all
	ABI                                // an extension for another Python (or PyPy, or free-threaded), or a Node.js addon for another NODE_MODULE_VERSION
	Arch                               // another CPU
	GlibcTooNew                        // needs a newer glibc than the runtime's OS has
)

// Code is the rule that reports a problem of kind k: LK301 (ABI), LK302 (Arch), LK303
// (GlibcTooNew), LK304 (Foreign). check and inspect both name problems by it.
func (k ProblemKind) Code() rulecode.Code {
	switch k {
	case Foreign:
		return rulecode.LK304
	case Arch:
		return rulecode.LK302
	case GlibcTooNew:
		return rulecode.LK303
	}
	return rulecode.LK301
}

// Problem is one reason a file cannot load on the target.
type Problem struct {
	Kind ProblemKind
	// Why completes "… cannot load: " — e.g. "it was built for Python 3.11 (python3.12
	// loads only .cpython-312-… files)".
	Why string
}

// Check says why a native file (its base name, and its bytes' analysis when they could
// be read; bin may be nil) cannot load on t. Nil means nothing is known against it.
// Problems come most decisive first: Foreign, ABI, Arch, GlibcTooNew, then a Node.js
// addon's NODE_MODULE_VERSION (kind ABI; Node checks it after dlopen succeeded).
func Check(t Target, base string, bin *Binary) []Problem {
	n := ParseName(base)
	var foreign, abi, arch, glibc, nodeABI []Problem
	add := func(list *[]Problem, k ProblemKind, format string, args ...any) {
		if len(*list) == 0 {
			*list = append(*list, Problem{Kind: k, Why: fmt.Sprintf(format, args...)})
		}
	}
	machine := MachineOfArch(t.Arch)
	// What the bytes say beats what the name says.
	if bin != nil {
		switch bin.Format {
		case MachO:
			add(&foreign, Foreign, "it is a Mach-O (macOS) binary%s, and Lambda runs Linux", machineNote(bin.Machine))
		case PE:
			add(&foreign, Foreign, "it is a PE (Windows) binary%s, and Lambda runs Linux", machineNote(bin.Machine))
		case ELF:
			if bin.Musl {
				add(&foreign, Foreign, "it links against musl libc (built on Alpine or from a musllinux wheel), and Lambda's Linux uses glibc")
			}
			if a := bin.LambdaArch(); a != MachineArch(t.Arch) && bin.Machine != "" {
				add(&arch, Arch, "it is ELF code for %s, and the function runs on %s", bin.Machine, archName(t.Arch))
			}
			if g := bin.MaxGlibc(); !t.Glibc.IsZero() && t.Glibc.Less(g) {
				add(&glibc, GlibcTooNew, "it needs GLIBC_%s, and the runtime's OS has glibc %s", g, t.Glibc)
			}
			// Node checks the version only once dlopen succeeded: after machine and glibc.
			if bin.Node.Mismatch(t.NodeModuleVersion) {
				add(&nodeABI, ABI, "it was built for another Node.js ABI (NODE_MODULE_VERSION %d), and the runtime's Node.js requires NODE_MODULE_VERSION %d", bin.Node.ModuleVersions[len(bin.Node.ModuleVersions)-1], t.NodeModuleVersion)
			}
		}
	}
	switch n.Kind {
	case WindowsPYD:
		add(&foreign, Foreign, "a .pyd file is a Windows extension, and Lambda runs Linux")
	case MacDylib:
		add(&foreign, Foreign, "a .dylib file is a macOS library, and Lambda runs Linux")
	case PyPy:
		add(&abi, ABI, "it was built for PyPy, and Lambda runs CPython")
	case Versioned:
		switch {
		case n.OS == "darwin":
			add(&foreign, Foreign, "its name says it was built for macOS (-darwin.so), and Lambda runs Linux")
		case n.OS == "linux-musl":
			add(&foreign, Foreign, "its name says it was built for musl libc (Alpine), and Lambda's Python loads only -linux-gnu files")
		case n.OS != "" && n.OS != "linux-gnu":
			add(&foreign, Foreign, "its name says it was built for %s, and Lambda runs Linux with glibc", n.OS)
		}
		if t.Python != "" && n.Python != t.Python {
			add(&abi, ABI, "it was built for Python %s, and python%s loads only .cpython-%s-… extensions", n.Python, t.Python, strings.ReplaceAll(t.Python, ".", ""))
		} else if n.FreeThreaded {
			add(&abi, ABI, "it was built for the free-threaded Python %st, and Lambda's python%s is the default build", n.Python, t.Python)
		}
		if n.Machine != "" && n.OS == "linux-gnu" && n.Machine != machine {
			add(&arch, Arch, "its name says it was built for %s, and the function runs on %s", n.Machine, archName(t.Arch))
		}
	}
	out := append(foreign, abi...)
	out = append(out, arch...)
	out = append(out, glibc...)
	return append(out, nodeABI...)
}

func machineNote(m string) string {
	if m == "" {
		return ""
	}
	return " for " + m
}

func archName(arch string) string {
	if arch == "" {
		return "x86_64"
	}
	return arch
}

// Loadable reports whether CPython on t would pick base up as an extension module for
// module: its name ends in one of t's extension suffixes. (Whether the bytes then
// load is Check's question.)
func Loadable(t Target, module, base string) bool {
	rest, ok := strings.CutPrefix(base, module)
	if !ok {
		return false
	}
	ver := strings.ReplaceAll(t.Python, ".", "")
	for _, suf := range []string{".cpython-" + ver + "-" + MachineOfArch(t.Arch) + "-linux-gnu.so", ".abi3.so", ".so"} {
		if rest == suf {
			return true
		}
	}
	return false
}

// HasLoadableSibling reports whether the folder in t holding name also has a file
// CPython on tg would load for the same module: then name is dead weight, not a
// failure (a package built for two Pythons side by side, or a compiled module beside
// its pure-Python fallback: charset_normalizer ships md.cpython-310-…so next to md.py,
// and python3.11, which does not search that suffix, loads md.py). Python's path
// finder takes a package folder of that name first, then any file with one of its
// suffixes: its extension suffixes, .py, .pyc.
func HasLoadableSibling(t tree.Tree, name string, tg Target) bool {
	n := ParseName(path.Base(name))
	if n.Module == "" {
		return false
	}
	infos, err := t.ReadDir(path.Dir(name))
	if err != nil {
		return false
	}
	for _, i := range infos {
		switch {
		case i.Name == path.Base(name):
		case i.Dir && i.Name == n.Module:
			return true
		case !i.Dir && (i.Name == n.Module+".py" || i.Name == n.Module+".pyc" || Loadable(tg, n.Module, i.Name)):
			return true
		}
	}
	return false
}
