package pysyntax

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The differential test: generated modules, and mutations of them, compiled by every
// local python3.X (pyenv's builds too). Check must never report a file that compiles
// (a false error), and must report every generated file into which one construct it
// models was put (a targeted file) on every version that rejects it.

var (
	diffSeed = flag.Uint64("syntax.seed", 1, "seed of the generated modules")
	diffN    = flag.Int("syntax.n", 0, "how many modules to generate (default 600, 150 with -short; LAYERKIT_DIFF_LONG=1: 6000)")
)

type interp struct {
	minor int
	path  string
}

func interpreters(t *testing.T) []interp {
	home, _ := os.UserHomeDir()
	var out []interp
	for minor := 6; minor <= 14; minor++ {
		v := fmt.Sprintf("3.%d", minor)
		cands, _ := filepath.Glob(filepath.Join(home, ".pyenv", "versions", v+".*", "bin", "python"+v))
		if p, err := exec.LookPath("python" + v); err == nil {
			cands = append(cands, p)
		}
		for _, c := range cands {
			if exec.Command(c, "-c", "pass").Run() == nil {
				out = append(out, interp{minor, c})
				break
			}
		}
	}
	if len(out) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("no python3.X to compare with (CI must have one)")
		}
		t.Skip("no python3.X on PATH or in ~/.pyenv")
	}
	return out
}

// compileAll compiles each source with py and returns, per source, "" when it
// compiles, else "Exception: message (line N)".
const compileScript = `
import json, sys, warnings
warnings.simplefilter("ignore")
out = []
for src in json.load(sys.stdin):
    try:
        compile(src.encode("utf-8"), "m.py", "exec")
        out.append("")
    except SyntaxError as e:
        out.append("%s: %s (line %s)" % (type(e).__name__, e.msg, e.lineno))
    except (ValueError, UnicodeError) as e:
        out.append("%s: %s" % (type(e).__name__, e))
json.dump(out, sys.stdout)
`

func compileAll(t *testing.T, py string, srcs []string) []string {
	if len(srcs) == 0 {
		return nil
	}
	in, _ := json.Marshal(srcs)
	cmd := exec.Command(py, "-c", compileScript)
	cmd.Stdin = strings.NewReader(string(in))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", py, err, stderr.String())
	}
	var out []string
	if err := json.Unmarshal(b, &out); err != nil || len(out) != len(srcs) {
		t.Fatalf("%s: bad output (%v)", py, err)
	}
	return out
}

type sample struct {
	src      string
	targeted bool // one construct Check models was put in: it must be found
	base     bool // generated to compile on the newest Python
}

func TestDifferential(t *testing.T) {
	pys := interpreters(t)
	n := *diffN
	if n == 0 {
		n = 600
		if testing.Short() {
			n = 150
		}
		if os.Getenv("LAYERKIT_DIFF_LONG") != "" {
			n = 6000
		}
	}
	rng := rand.New(rand.NewPCG(*diffSeed, 2))
	var samples []sample
	for i := 0; i < n; i++ {
		g := &gen{rng: rng}
		base := g.module()
		samples = append(samples, sample{src: base, base: true})
		if inj, ok := g.inject(base); ok {
			samples = append(samples, sample{src: inj, targeted: true})
		}
		samples = append(samples, sample{src: mutate(rng, base)})
	}
	srcs := make([]string, len(samples))
	for i, s := range samples {
		srcs[i] = s.src
	}
	newest := pys[len(pys)-1]
	var falseErrors, misses, missTargeted, checked int
	for _, py := range pys {
		res := compileAll(t, py.path, srcs)
		for i, s := range samples {
			checked++
			p := Check([]byte(s.src)).First(py.minor)
			fails := res[i] != ""
			if s.base && fails && py == newest {
				t.Fatalf("generator bug: python3.%d rejects a base module (%s):\n%s", py.minor, res[i], s.src)
			}
			switch {
			case p != nil && !fails:
				falseErrors++
				if falseErrors <= 5 {
					t.Errorf("python3.%d compiles it, but Check says line %d: %s %s:\n%s", py.minor, p.Line, p.Exception(), p.Message(py.minor), s.src)
				}
			case p == nil && fails:
				misses++
				if s.targeted {
					missTargeted++
					if missTargeted <= 5 {
						t.Errorf("python3.%d rejects it (%s); Check found nothing:\n%s", py.minor, res[i], s.src)
					}
				}
			}
		}
	}
	t.Logf("%d modules × %d interpreters (3.%d–3.%d): %d verdicts, %d false errors, %d targeted misses, %d other misses (mutations into errors Check does not model)",
		len(samples), len(pys), pys[0].minor, newest.minor, checked, falseErrors, missTargeted, misses-missTargeted)
}

// knownShapes are shapes from the issue and from real code (TestKnownShapes).
var knownShapes = []string{
	"match command:\n    case 'go':\n        pass\n",
	"try:\n    pass\nexcept* ValueError:\n    pass\n",
	"type Point = tuple[float, float]\n",
	"def first[T](xs: list[T]) -> T:\n    return xs[0]\n",
	"class Box[T]:\n    pass\n",
	"async def f[T](x):\n    return x\n",
	"x = f\"{d[\"k\"]}\"\n",
	"x = f'{\"\\n\".join(a)}'\n",
	"x = f'''{a # note\n}'''\n",
	"x = f'{a\n}'\n",
	"if (n := len(a)) > 3:\n    pass\n",
	"print(f'{x=}')\n",
	"print(f'{x:=^10}')\n",
	"print 'hello'\n",
	"print x\n",
	"x = 0777\n",
	"x = 10L\n",
	"x = 'abc\ny = 1\n",
	"x = '''abc\n",
	"x = (1,\ny = 2\n",
	"x = [1, 2)\n",
	"x = 1)\n",
	"if x:\n        a = 1\n    b = 2\n",
	"if x:\n\ta = 1\n        b = 2\n",
	"a = 1\n    b = 2\n",
	"if x:\nb = 2\n",
	"def f():\n",
	"x = 1 \\ 2\n",
	"x = \u201chello\u201d\n",
	"x\u00a0= 1\n",
	"a = $\n",
	"x = 1 <> 2\n",
	"x = f'{}'\n",
	"x = f'}'\n",
	"x = f'{a!r}' f\"{b:>{w}}\" f'{c!s:^10}'\n",
	"x = 1if y else 2\n",
	"match = 3\nmatch.x = 1\ncase = 2\ntype = int\nprint(type(1))\n",
	"_ = 1\nasync def f():\n    await g()\n",
	"s = r'\\'' + b'\\x00' + rb'a' + Rb'b' + u'c' + F'{1}' + fR'{2}'\n",
	"x = [\n    1,\n  2,\n        3]\ny = 2 + \\\n  3\n",
	"x = f\"\"\"{y!r\n}\"\"\"\n",
	"x = f'{y!r }'\n",
	// From CPython's own standard library (3.12): raw f-strings with \{, and quote reuse.
	"KEY = (rf\"Software\\Python\\PythonCore\\{sys.winver}\")\n",
	"x = rf\"hello \\{True}\"; y = f\"hello \\\\{True}\"\n",
	"w(f'{' '.join(cmd)!r} command failed')\n",
	"call_text = f'({', '.join(call_args)})'\n",
	"d = f'\\N{GREEK CAPITAL LETTER DELTA}' + rf'\\N{x}'\n",
	// A dict's line cut loose from its braces (a field app's leftover fragment).
	"def f(event, context) -> dict:\n        \"key\": config['key']\n    })\n",
	"x = {\n  'a': 1,\n}\n'doc': int\n",
	// A star import names nothing else (a generated app's miss, seed 20290143).
	"from os import path, *\n",
	"from os import *, path\n",
	"from os import (*)\n",
	"from os import (sep,\n    *)\n",
	"from os import *; x = 1\n",
	"import sys; from os import *\n",
	"x = 1; from os import *\n",
	"from os import (path, sep)\n",
	"from . import *\n",
	"from os import *  # all\n",
	"x = f'{a}'; from os import *\n",
}

// TestKnownShapes pins knownShapes, judged by every local interpreter (not by hand).
func TestKnownShapes(t *testing.T) {
	pys := interpreters(t)
	srcs := knownShapes
	var bad int
	for _, py := range pys {
		res := compileAll(t, py.path, srcs)
		for i, src := range srcs {
			p := Check([]byte(src)).First(py.minor)
			if (p != nil) != (res[i] != "") {
				bad++
				msg := "nothing"
				if p != nil {
					msg = fmt.Sprintf("line %d: %s: %s", p.Line, p.Exception(), p.Message(py.minor))
				}
				t.Errorf("python3.%d: %q\n  python: %q\n  Check:  %s", py.minor, src, res[i], msg)
			}
		}
	}
	if bad == 0 {
		t.Logf("%d shapes agree on %d interpreters", len(srcs), len(pys))
	}
}

// TestStandardLibraries reads each local interpreter's own standard library (about 2,000
// files of real code each) and, for the oldest one, the newest one's: every file Check
// says that version cannot compile must fail to compile with that interpreter.
func TestStandardLibraries(t *testing.T) {
	pys := interpreters(t)
	type job struct {
		py  interp
		dir string
	}
	var jobs []job
	libOf := func(py interp) string {
		out, err := exec.Command(py.path, "-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])").Output()
		if err != nil {
			t.Fatalf("%s: %v", py.path, err)
		}
		return strings.TrimSpace(string(out))
	}
	for i, py := range pys {
		if testing.Short() && i != 0 && i != len(pys)-1 {
			continue
		}
		jobs = append(jobs, job{py, libOf(py)})
	}
	if len(pys) > 1 {
		jobs = append(jobs, job{pys[0], libOf(pys[len(pys)-1])})
	}
	for _, j := range jobs {
		var flagged []string
		files := 0
		filepath.WalkDir(j.dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || filepath.Ext(p) != ".py" || strings.Contains(p, "site-packages") {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return nil
			}
			files++
			if Check(b).First(j.py.minor) != nil {
				flagged = append(flagged, string(b))
			}
			return nil
		})
		res := compileAll(t, j.py.path, flagged)
		for i, r := range res {
			if r == "" {
				t.Errorf("python3.%d compiles a file of %s that Check rejects:\n%.600s", j.py.minor, j.dir, flagged[i])
			}
		}
		t.Logf("python3.%d on %s: %d files, %d rejected by Check, all confirmed", j.py.minor, j.dir, files, len(flagged))
	}
}
