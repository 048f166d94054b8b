package buildscript

import (
	"path/filepath"
	"strings"
)

// pipValueFlags are pip install options that take a value (so the value is not a
// distribution to install).
var pipValueFlags = map[string]bool{
	"-i": true, "--index-url": true, "--extra-index-url": true, "-f": true, "--find-links": true,
	"-c": true, "--constraint": true, "--platform": true, "--python-version": true,
	"--implementation": true, "--abi": true, "--only-binary": true, "--no-binary": true,
	"--upgrade-strategy": true, "--cache-dir": true, "--progress-bar": true, "--root": true,
	"--prefix": true, "--src": true, "-e": true, "--editable": true, "--trusted-host": true,
	"--log": true, "--timeout": true, "--retries": true, "--python": true,
}

// ParsePipInstall reads one simple command: `pip install ...`, `pip3 ...`,
// `python3 -m pip install ...` (with sudo or env assignments before it). It returns the
// requirement files (-r), the distributions named, and the --target folder; ok is false
// for any other command or an option it does not know the arity of that might hide a
// value (--editable, --prefix: not a plain install into a folder).
func ParsePipInstall(w []string) (reqs, pkgs []string, target string, ok bool) {
	for len(w) > 0 && (w[0] == "sudo" || strings.Contains(w[0], "=") && !strings.HasPrefix(w[0], "-")) {
		w = w[1:]
	}
	if len(w) == 0 {
		return nil, nil, "", false
	}
	prog := filepath.Base(w[0])
	switch {
	case prog == "pip" || strings.HasPrefix(prog, "pip3"):
		w = w[1:]
	case strings.HasPrefix(prog, "python") && len(w) > 2 && w[1] == "-m" && w[2] == "pip":
		w = w[3:]
	default:
		return nil, nil, "", false
	}
	if len(w) == 0 || w[0] != "install" {
		return nil, nil, "", false
	}
	w = w[1:]
	for i := 0; i < len(w); i++ {
		a := w[i]
		val := func() (string, bool) {
			if i+1 < len(w) {
				i++
				return w[i], true
			}
			return "", false
		}
		switch {
		case a == "-r" || a == "--requirement":
			v, ok := val()
			if !ok {
				return nil, nil, "", false
			}
			reqs = append(reqs, v)
		case strings.HasPrefix(a, "--requirement="):
			reqs = append(reqs, strings.TrimPrefix(a, "--requirement="))
		case strings.HasPrefix(a, "-r") && !strings.HasPrefix(a, "--"):
			reqs = append(reqs, a[2:])
		case a == "-t" || a == "--target":
			v, ok := val()
			if !ok {
				return nil, nil, "", false
			}
			target = v
		case strings.HasPrefix(a, "--target="):
			target = strings.TrimPrefix(a, "--target=")
		case strings.HasPrefix(a, "-t") && !strings.HasPrefix(a, "--"):
			target = a[2:]
		case a == "-e" || a == "--editable" || a == "--prefix" || a == "--root" || a == "--user":
			return nil, nil, "", false
		case pipValueFlags[a]:
			if _, ok := val(); !ok {
				return nil, nil, "", false
			}
		case strings.HasPrefix(a, "-"):
			// a flag without a value (--upgrade, --no-deps, -q, --platform=x, ...)
		case a == ">" || a == ">>" || a == "2>&1" || strings.HasPrefix(a, ">"):
			i = len(w) // redirection: the rest is not pip's
		default:
			pkgs = append(pkgs, a)
		}
	}
	return reqs, pkgs, target, true
}
