package verify

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Interpreter is a local Python found for a runtime.
type Interpreter struct {
	Path    string // absolute
	Version string // "3.11"
}

// finder finds and probes interpreters, once per name.
type finder struct {
	explicit string // --python
	pathEnv  string // PATH to search

	mu     sync.Mutex
	probed map[string]probeResult // path → version or error
}

type probeResult struct {
	version string
	err     error
}

// probe runs the interpreter at p and returns its "3.X" version.
func (f *finder) probe(ctx context.Context, p string) (string, error) {
	f.mu.Lock()
	if r, ok := f.probed[p]; ok {
		f.mu.Unlock()
		return r.version, r.err
	}
	f.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, p, "-I", "-S", "-c", `import sys;print("%d.%d" % sys.version_info[:2])`)
	cmd.Env = []string{"PATH=/usr/local/bin:/usr/bin:/bin"}
	out, err := cmd.Output()
	v := strings.TrimSpace(string(out))
	if err == nil && !strings.HasPrefix(v, "3.") {
		err = fmt.Errorf("unexpected version %q", v)
	}
	if err != nil {
		err = fmt.Errorf("%s does not run: %v", p, err)
	}
	f.mu.Lock()
	f.probed[p] = probeResult{v, err}
	f.mu.Unlock()
	return v, err
}

// candidates lists every executable called name in the PATH folders, in order.
func (f *finder) candidates(name string) []string {
	var out []string
	seen := map[string]bool{}
	for _, dir := range filepath.SplitList(f.pathEnv) {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, name)
		st, err := os.Stat(p)
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			continue
		}
		if abs, err := filepath.Abs(p); err == nil {
			p = abs
		}
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// find returns the interpreter for Python version ver ("3.12"): --python when given,
// else the first python3.X on PATH that runs and reports that version, else the first
// python3 that runs (a different version, unless exact). ok is false when there is none.
func (f *finder) find(ctx context.Context, ver string, exact bool) (in Interpreter, why string, ok bool) {
	if f.explicit != "" {
		v, err := f.probe(ctx, f.explicit)
		if err != nil {
			return in, err.Error(), false
		}
		if exact && v != ver {
			return in, fmt.Sprintf("--python is Python %s, not %s", v, ver), false
		}
		return Interpreter{Path: f.explicit, Version: v}, "", true
	}
	var tried []string
	for _, p := range f.candidates("python" + ver) {
		v, err := f.probe(ctx, p)
		if err == nil && v == ver {
			return Interpreter{Path: p, Version: v}, "", true
		}
		tried = append(tried, p)
	}
	if exact {
		why = "no python" + ver + " on PATH"
		if len(tried) > 0 {
			why += " that runs (tried " + strings.Join(tried, ", ") + ")"
		}
		return in, why, false
	}
	for _, p := range f.candidates("python3") {
		if v, err := f.probe(ctx, p); err == nil {
			return Interpreter{Path: p, Version: v}, "", true
		}
	}
	return in, "no python" + ver + " or python3 on PATH that runs", false
}
