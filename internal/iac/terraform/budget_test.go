package terraform

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/layerkit/layerkit/internal/iac"
)

// Hostile configurations (issue 15): values that double or repeat, work that grows
// faster than the input, nesting that overflows the parser's stack. Each must end
// quickly, within an allocation bound, with an InputError at a file and line (or load).
//
// Time is the CPU time the process spent (user and system, the collector included),
// not the wall clock: the tests share their machine.
const (
	maxLoadTime  = 2 * time.Second
	maxLoadAlloc = 600 << 20 // bytes allocated in all (the peak is far lower)
)

func nested(open, close string, n int) string {
	return strings.Repeat(open, n) + strings.Repeat(close, n)
}

func doubling(levels int) string {
	var b strings.Builder
	b.WriteString("locals {\n  l0 = \"xxxxxxxxxxxxxxxx\"\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "  l%d = \"${local.l%d}${local.l%d}\"\n", i, i-1, i-1)
	}
	b.WriteString("}\n")
	return b.String()
}

func chain(n int) string {
	var b strings.Builder
	b.WriteString("locals {\n  c0 = \"x\"\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  c%d = local.c%d\n", i, i-1)
	}
	b.WriteString("}\nresource \"aws_lambda_function\" \"f\" {\n  handler = \"app.handler\"\n  runtime = \"python3.12\"\n  function_name = local.c" + fmt.Sprint(n-1) + "\n}\n")
	return b.String()
}

func manyRefs() string {
	var b strings.Builder
	b.WriteString("locals {\n  big = \"" + strings.Repeat("x", 200_000) + "\"\n  all = \"")
	for b.Len() < 800_000 {
		b.WriteString("${local.big}")
	}
	b.WriteString("\"\n}\n")
	return b.String()
}

// slowHostile are the hostileConfigs -short (the inner loop) leaves out, in
// TestHostileConfigs and as FuzzEval seeds: each spends its whole budget.
var slowHostile = map[string]bool{"for-cube": true, "locals-chain": true, "many-refs": true}

// hostileConfigs are the evaluator's hostile inputs: file name → content. wantErr says
// the load must fail (a budget or depth error); line, when not 0, is where.
var hostileConfigs = []struct {
	name, file, src string
	wantErr         bool
	line            int
}{
	{"format-width", "infra.tf", "locals {\n  x = format(\"%999999999d\", 1)\n}\n", true, 2},
	{"for-cube", "infra.tf", "locals {\n  x = [for a in range(1024) : [for b in range(1024) : [for c in range(1024) : c]]]\n}\n", true, 2},
	{"doubling-locals", "main.tf", doubling(40), true, 0},
	{"locals-chain", "main.tf", chain(30_000), false, 0},
	{"many-refs", "main.tf", manyRefs(), true, 3},
	{"setproduct", "main.tf", "locals {\n  r = range(1000)\n  x = setproduct(local.r, local.r, local.r)\n}\n", true, 3},
	{"join-sep", "main.tf", "locals {\n  s = join(\"" + strings.Repeat("y", 10_000) + "\", range(1000))\n}\n", true, 2},
	{"replace", "main.tf", "locals {\n  a = \"" + strings.Repeat("a", 5000) + "\"\n  x = replace(local.a, \"\", local.a)\n}\n", true, 3},
	{"count-huge", "main.tf", "resource \"aws_lambda_function\" \"f\" {\n  count = 100000000\n  handler = \"a.b\"\n}\n", true, 1},
	{"module-count", "main.tf", "module \"m\" {\n  source = \"./\"\n  count = 3\n}\n", true, 2},
	{"brackets-tf", "main.tf", "x = " + nested("[", "]", 100_000) + "\n", true, 1},
	{"parens-tf", "main.tf", "locals {\n  x = " + nested("(", ")", 100_000) + "\n}\n", true, 2},
	{"templates-tf", "main.tf", "locals {\n  x = " + strings.Repeat("\"${", 50_000) + "1" + strings.Repeat("}\"", 50_000) + "\n}\n", true, 2},
	{"brackets-json", "main.tf.json", "{\"locals\": {\"x\": " + nested("[", "]", 100_000) + "}}", true, 1},
	{"templates-json", "main.tf.json", "{\"locals\": {\"x\": \"" + strings.Repeat("${[", 50_000) + strings.Repeat("]}", 50_000) + "\"}}", true, 1},
	{"brackets-tfvars", "terraform.tfvars", "x = " + nested("{a = ", "}", 50_000) + "\n", true, 1},
	{"unary", "main.tf", "locals {\n  x = " + strings.Repeat("!", 100_000) + "true\n}\n", true, 2},
	{"ternary", "main.tf", "locals {\n  x = " + strings.Repeat("true ? 1 : ", 50_000) + "1\n}\n", true, 2},
	{"index-chain", "main.tf", "locals {\n  x = local.y" + strings.Repeat("[local.k]", 50_000) + "\n}\n", true, 2},
}

func TestHostileConfigs(t *testing.T) {
	for _, h := range hostileConfigs {
		t.Run(h.name, func(t *testing.T) {
			if testing.Short() && slowHostile[h.name] {
				t.Skip("runs the evaluator to its budget (seconds on two cores); skipped under -short")
			}
			dir := t.TempDir()
			must(t, os.WriteFile(filepath.Join(dir, h.file), []byte(h.src), 0o644))
			if h.file == "terraform.tfvars" {
				must(t, os.WriteFile(filepath.Join(dir, "main.tf"), []byte("variable \"x\" {}\n"), 0o644))
			}
			err, took, alloc := measure(func() error { _, err := Load(dir, dir); return err })
			t.Logf("%s: %v, %d MB allocated: %v", h.name, took.Round(time.Millisecond), alloc>>20, err)
			if took > maxLoadTime || alloc > maxLoadAlloc {
				t.Errorf("took %v and allocated %d MB (bounds %v, %d MB)", took, alloc>>20, maxLoadTime, maxLoadAlloc>>20)
			}
			var ie *iac.InputError
			switch {
			case !h.wantErr && err != nil:
				t.Errorf("unexpected error: %v", err)
			case h.wantErr && !errors.As(err, &ie):
				t.Errorf("error = %v, want an *iac.InputError", err)
			case h.wantErr && (ie.Pos.File != h.file || h.line != 0 && ie.Pos.Line != h.line || ie.Pos.Line == 0):
				t.Errorf("error at %v, want %s:%d: %v", ie.Pos, h.file, h.line, err)
			}
		})
	}
}

// measure runs f and returns its error, the CPU time it took and the bytes it allocated.
func measure(f func() error) (error, time.Duration, uint64) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := cpuTime()
	err := f()
	took := cpuTime() - start
	runtime.ReadMemStats(&after)
	return err, took, after.TotalAlloc - before.TotalAlloc
}
