package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/pyresolve"
)

var LK301 = register(&Rule{
	Code:       "LK301",
	Name:       "extension-abi-mismatch",
	Severity:   model.Error,
	Severities: "error when an import needs the file",
	Summary:    "A compiled extension built for another Python version than the function's runtime.",
	Why: `CPython loads an extension module only if its file name ends in one of its own suffixes:
.cpython-3XY-<arch>-linux-gnu.so, .abi3.so or .so. A file built for Python 3.11
(_speed.cpython-311-x86_64-linux-gnu.so) is invisible to python3.12, and the import fails with a plain
"No module named ...".`,
	Example: `python/fastmod/_speed.cpython-311-x86_64-linux-gnu.so   # function runs python3.12`,
	Fix: `Build (pip install) the package with the function's Python version, e.g. pip install
--python-version 3.12 --only-binary=:all: --platform manylinux2014_x86_64 --target python/ pkg.`,
	Run: func(p *Pass) { reportNative(p) },
})

var LK302 = register(&Rule{
	Code:       "LK302",
	Name:       "architecture-mismatch",
	Severity:   model.Error,
	Severities: "error when an import needs the file",
	Summary:    "Native code built for another CPU architecture than the function's.",
	Why: `A function runs on x86_64 or arm64 (Architectures). An extension built for the other one has
another suffix (.cpython-312-aarch64-linux-gnu.so vs -x86_64-) and is not a candidate for import.`,
	Example: `python/armmod/_core.cpython-312-x86_64-linux-gnu.so   # function has Architectures: [arm64]`,
	Fix: `Install the package for the function's architecture (pip --platform manylinux2014_aarch64 for
arm64), or change the function's Architectures.`,
})

var LK304 = register(&Rule{
	Code:       "LK304",
	Name:       "foreign-binary",
	Severity:   model.Error,
	Severities: "error when an import needs the file",
	Summary:    "A macOS or Windows binary (.dylib, .pyd, darwin .so) in a Linux artifact.",
	Why: `Lambda runs Linux. Wheels installed on a Mac or on Windows carry Mach-O or PE files that Linux
cannot load; the import fails with "No module named ..." or an invalid ELF header error.`,
	Example: `python/pydantic_core/_pydantic_core.cpython-312-darwin.so`,
	Fix:     `Build the layer on Linux, or with pip --platform manylinux2014_x86_64 --only-binary=:all:.`,
})

var soName = regexp.MustCompile(`\.cpython-(3)(\d+)t?-([a-z0-9_]+)-([a-z]+)(?:-gnu|-musl)?\.so$`)

// reportNative turns imports whose only candidate is a compiled file that cannot load
// into LK301/LK302/LK304.
func reportNative(p *Pass) {
	for _, f := range p.analysed() {
		for _, pr := range f.Result.Problems {
			if pr.Failure != pyresolve.CompiledMismatch {
				continue
			}
			code, why := classifyNative(f, pr.Near)
			sev := model.Error
			if pr.Lazy {
				sev = model.Warning
			}
			via := ""
			if len(pr.Chain) > 1 {
				via = " (reached from the handler through " + strings.Join(pr.Chain, " → ") + ")"
			}
			p.Report(code, sev, f.Fn.Name, "", problemPos(pr),
				fmt.Sprintf("`%s` needs '%s', whose only file is %s: %s%s; Lambda will fail with %s",
					pr.Stmt, pr.Missing, strings.Join(pr.Near, ", "), why, via, lambdaError(f, fmt.Sprintf("No module named '%s'", pr.Missing))),
				nativeHint(code, f))
		}
	}
}

func classifyNative(f *Function, near []string) (string, string) {
	rt := f.Runtime
	arch := f.Result.Env.Arch
	want := "x86_64"
	if arch == "arm64" {
		want = "aarch64"
	}
	for _, n := range near {
		if strings.HasSuffix(n, ".pyd") || strings.HasSuffix(n, ".dylib") || strings.Contains(n, "-darwin.so") {
			return "LK304", "it is a macOS/Windows binary, and Lambda runs Linux"
		}
	}
	for _, n := range near {
		m := soName.FindStringSubmatch(n)
		if m == nil {
			continue
		}
		ver := m[1] + "." + m[2]
		if ver != rt.Version {
			return "LK301", fmt.Sprintf("it was built for Python %s, and %s only loads .cpython-%s%s-… files", ver, rt.ID, m[1], strings.ReplaceAll(rt.Version, "3.", ""))
		}
		if m[3] != want {
			return "LK302", fmt.Sprintf("it was built for %s, and the function runs on %s", m[3], arch)
		}
	}
	return "LK301", "its name does not end in a suffix this Python loads"
}

// nativeHint says how to get a loadable build for this function.
func nativeHint(code string, f *Function) string {
	plat := "manylinux2014_x86_64"
	if f.Result.Env.Arch == "arm64" {
		plat = "manylinux2014_aarch64"
	}
	v := f.Runtime.Version
	switch code {
	case "LK304":
		return fmt.Sprintf("Build on Linux, or install Linux wheels from any OS: pip install --platform %s --only-binary=:all: --python-version %s --target python/ <package>.", plat, v)
	case "LK302":
		return fmt.Sprintf("Install the package for %s: pip install --platform %s --only-binary=:all: --python-version %s --target python/ <package> (or change the function's Architectures).", f.Result.Env.Arch, plat, v)
	}
	return fmt.Sprintf("Install the package with Python %s: pip install --python-version %s --platform %s --only-binary=:all: --target python/ <package>.", v, v, plat)
}
