package layerbuild

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/layerkit/layerkit/internal/pydist"
)

// A build runs on repositories nobody reviewed yet (issue 15.1): it reads nothing
// outside its source folder and runs none of the source's code. This file holds the
// checks made before any tool runs: files read from SRC, and requirement lines that
// would make pip or uv build a package (run its build backend) despite wheels only.

// maxSourceFile caps what build reads itself from SRC (requirements, package.json,
// lockfiles): far above any real one.
const maxSourceFile = 16 << 20

// readSourceFile reads p, a file of SRC named display: a regular file inside SRC. A
// symlink is an error unless --follow-symlinks is given and it resolves inside SRC;
// /proc, /dev and /sys are never read.
func (b *builder) readSourceFile(p, display string) ([]byte, error) {
	st, err := os.Lstat(p)
	if err != nil {
		return nil, err
	}
	if st.Mode()&os.ModeSymlink != 0 {
		target, _ := os.Readlink(p)
		if !b.o.FollowSymlinks {
			return nil, &SymlinkError{Link: display, Target: target, Why: "layerkit build reads only regular files from the source folder (replace the link by the file, or pass --follow-symlinks for a link inside it)"}
		}
		resolved, err := filepath.EvalSymlinks(p)
		if err != nil {
			return nil, &SymlinkError{Link: display, Target: target, Why: "it points nowhere"}
		}
		srcReal, err := filepath.EvalSymlinks(b.src)
		if err != nil {
			return nil, err
		}
		if !inside(resolved, srcReal) {
			return nil, &SymlinkError{Link: display, Target: target, Why: "it leaves " + b.o.Src + "; layerkit build reads nothing outside it"}
		}
	}
	return readRegular(p, display)
}

// readRegular reads p when it is a regular file outside /proc, /dev and /sys, up to
// maxSourceFile.
func readRegular(p, display string) ([]byte, error) {
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return nil, err
	}
	if err := refuseSystemPath(display, real); err != nil {
		return nil, err
	}
	st, err := os.Stat(real)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, inputErr("%s is not a regular file", display)
	}
	if st.Size() > maxSourceFile {
		return nil, inputErr("%s is %d bytes; layerkit build reads at most %d MiB", display, st.Size(), maxSourceFile>>20)
	}
	f, err := os.Open(real)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxSourceFile+1))
}

// BuildCodeError is a requirement line that would make pip or uv run a package's build
// code (a build backend, setup.py): refused unless --allow-sdist.
type BuildCodeError struct {
	Problems []pydist.Problem
}

func (e *BuildCodeError) Error() string {
	var b strings.Builder
	b.WriteString("these requirement lines would build a package from source, running its build code (layerkit build installs wheels only):")
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s", p.Error())
	}
	b.WriteString("\n  install wheels (pip wheel elsewhere, then --find-links), or pass --allow-sdist to let pip/uv run the packages' build code on this machine")
	return b.String()
}

var (
	// vcsRE matches VCS requirement URLs (git+https://..., hg+ssh://...).
	vcsRE = regexp.MustCompile(`(?i)^(git|hg|svn|bzr)\+`)
	// commentStart is pip's comment rule: '#' at line start or after whitespace.
	commentStart = regexp.MustCompile(`(^|\s)#.*$`)
	// namedURL is a PEP 508 URL requirement: "name @ URL", "name[extra] @ URL".
	namedURL = regexp.MustCompile(`^(?i)[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?\s*(?:\[[^\]]*\])?\s*@(.*)$`)
)

// checkRequirements scans the requirements file req (as read: data) and the files it
// includes (-r, -c) for lines that would make pip or uv build from source — an option
// turning binaries off (--no-binary, --only-binary :none:), an editable install, a
// local folder or source archive, a VCS URL or a URL that is not a wheel — and for
// includes that leave the folders it may read (SRC, the requirements file's folder) or
// cannot be read before pip does (URLs). It returns a *BuildCodeError listing them all
// with file:line.
func (b *builder) checkRequirements(req string, data []byte) error {
	roots := []string{b.src}
	if abs, err := filepath.Abs(filepath.Dir(req)); err == nil {
		roots = append(roots, abs)
	}
	var realRoots []string
	for _, r := range roots {
		if rr, err := filepath.EvalSymlinks(r); err == nil {
			realRoots = append(realRoots, rr)
		}
	}
	var probs []pydist.Problem
	seen := map[string]bool{}
	var scan func(file string, data []byte, depth int)
	scan = func(file string, data []byte, depth int) {
		add := func(line int, format string, a ...any) {
			probs = append(probs, pydist.Problem{File: file, Line: line, Message: fmt.Sprintf(format, a...)})
		}
		// local checks that a local path (or file: URL) a line names stays inside the
		// folders build may read.
		local := func(num int, what, p string) {
			if strings.Contains(p, "://") && !strings.HasPrefix(strings.ToLower(p), "file:") {
				return
			}
			p = strings.TrimPrefix(strings.TrimPrefix(p, "file://"), "file:")
			if !filepath.IsAbs(p) {
				p = filepath.Join(filepath.Dir(file), p)
			}
			real, err := filepath.EvalSymlinks(p)
			if err != nil {
				return // pip reports what does not exist
			}
			for _, root := range realRoots {
				if inside(real, root) {
					return
				}
			}
			add(num, "%s: outside %s and the requirements file's folder; layerkit build reads nothing else", what, b.o.Src)
		}
		include := func(num int, flag, inc string) {
			if strings.Contains(inc, "://") {
				add(num, "%s %s: a remote file cannot be checked before pip reads it", flag, inc)
				return
			}
			p := inc
			if !filepath.IsAbs(p) {
				p = filepath.Join(filepath.Dir(file), p)
			}
			real, err := filepath.EvalSymlinks(p)
			if err != nil {
				add(num, "%s %s: %v", flag, inc, unwrapPath(err))
				return
			}
			ok := false
			for _, root := range realRoots {
				ok = ok || inside(real, root)
			}
			switch {
			case !ok:
				add(num, "%s %s: outside %s and the requirements file's folder; layerkit build reads nothing else", flag, inc, b.o.Src)
				return
			case seen[real]:
				return
			case depth >= 10:
				add(num, "%s %s: includes nested more than 10 deep", flag, inc)
				return
			}
			seen[real] = true
			sub, err := readRegular(p, p)
			if err != nil {
				add(num, "%s %s: %v", flag, inc, err)
				return
			}
			scan(p, sub, depth+1)
		}
		for _, ll := range logicalLines(data) {
			args, opts := splitOptions(ll.text)
			fields := strings.Fields(opts)
			for i := 0; i < len(fields); i++ {
				f := fields[i]
				opt, val, hasVal := strings.Cut(f, "=")
				if !hasVal && strings.HasPrefix(opt, "--") && i+1 < len(fields) && !strings.HasPrefix(fields[i+1], "-") {
					val = fields[i+1]
				}
				short := func(flag string) (string, bool) { // -r FILE, -rFILE
					if f == flag {
						if i+1 < len(fields) {
							return fields[i+1], true
						}
						return "", true
					}
					if strings.HasPrefix(f, flag) && !strings.HasPrefix(f, "--") {
						return f[len(flag):], true
					}
					return "", false
				}
				switch {
				case opt == "--no-binary":
					add(ll.num, "--no-binary %s turns wheels-only off: pip/uv would build from source", val)
				case opt == "--only-binary" && strings.Contains(val, ":none:"):
					add(ll.num, "--only-binary %s turns wheels-only off: pip/uv would build from source", val)
				case opt == "--editable":
					add(ll.num, "--editable %s: an editable install builds the project with its build backend", val)
				case opt == "--requirement" || opt == "--constraint":
					include(ll.num, opt, val)
				case opt == "--find-links" || opt == "--index-url" || opt == "--extra-index-url":
					local(ll.num, opt+" "+val, val)
				default:
					if v, ok := short("-e"); ok {
						add(ll.num, "-e %s: an editable install builds the project with its build backend", v)
					} else if v, ok := short("-r"); ok {
						include(ll.num, "-r", v)
					} else if v, ok := short("-c"); ok {
						include(ll.num, "-c", v)
					} else if v, ok := short("-f"); ok {
						local(ll.num, "-f "+v, v)
					} else if v, ok := short("-i"); ok {
						local(ll.num, "-i "+v, v)
					}
				}
			}
			if u := requirementURL(args); u != "" {
				if msg := sourceURL(u); msg != "" {
					add(ll.num, "%s: %s", u, msg)
				} else {
					local(ll.num, u, u) // a wheel: read only from inside
				}
			}
		}
	}
	scan(req, data, 0)
	if len(probs) > 0 {
		return &BuildCodeError{Problems: probs}
	}
	return nil
}

// requirementURL is the URL or path of a requirement ("name @ URL", a bare URL or
// path, as pip reads them), or "" for a plain name and version.
func requirementURL(args string) string {
	args = strings.TrimSpace(args)
	if args == "" {
		return ""
	}
	if m := namedURL.FindStringSubmatch(args); m != nil {
		u, _, _ := strings.Cut(strings.TrimSpace(m[1]), ";")
		u, _, _ = strings.Cut(strings.TrimSpace(u), " ")
		return u
	}
	first := strings.Fields(args)[0]
	first, _, _ = strings.Cut(first, ";")
	if strings.Contains(first, "://") || strings.HasPrefix(first, "file:") || vcsRE.MatchString(first) ||
		strings.HasPrefix(first, ".") || strings.HasPrefix(first, "/") || strings.HasPrefix(first, "~") || strings.ContainsAny(first, `/\`) {
		return first
	}
	lower := strings.ToLower(first)
	for _, ext := range []string{".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz"} {
		if strings.HasSuffix(lower, ext) {
			return first
		}
	}
	return ""
}

// sourceURL says why a URL or path requirement would be built from source ("" for a
// wheel).
func sourceURL(u string) string {
	base := u
	if i := strings.IndexAny(base, "#?"); i >= 0 {
		base = base[:i]
	}
	lower := strings.ToLower(base)
	switch {
	case vcsRE.MatchString(u):
		return "a VCS checkout is built from source (its build backend runs)"
	case strings.HasSuffix(lower, ".whl"):
		return ""
	case strings.Contains(u, "://") && !strings.HasPrefix(lower, "file:"):
		return "a URL to a source archive is built from source (its build backend runs)"
	}
	return "a local folder or source archive is built from source (its build backend runs)"
}

type logicalLine struct {
	num  int
	text string
}

// logicalLines returns a requirements file's logical lines as pip reads them:
// continuation lines joined (numbered by their first line), comments removed, blank
// lines dropped.
func logicalLines(data []byte) []logicalLine {
	var out []logicalLine
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), maxSourceFile+1)
	num, start, cur := 0, 0, ""
	for sc.Scan() {
		num++
		l := strings.TrimSuffix(sc.Text(), "\r")
		if num == 1 {
			l = strings.TrimPrefix(l, "\ufeff")
		}
		if cur == "" {
			start = num
		}
		if strings.HasSuffix(l, `\`) && !commentStart.MatchString(l) {
			cur += strings.TrimSuffix(l, `\`)
			continue
		}
		line := strings.TrimSpace(commentStart.ReplaceAllString(cur+l, ""))
		cur = ""
		if line != "" {
			out = append(out, logicalLine{start, line})
		}
	}
	if cur != "" {
		out = append(out, logicalLine{start, strings.TrimSpace(cur)})
	}
	return out
}

// splitOptions splits a logical line at its first token starting with "-", as pip
// does: the requirement, then its options (or a whole option line).
func splitOptions(line string) (args, opts string) {
	fields := strings.Fields(line)
	for i, f := range fields {
		if strings.HasPrefix(f, "-") {
			return strings.Join(fields[:i], " "), strings.Join(fields[i:], " ")
		}
	}
	return line, ""
}

func unwrapPath(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
