package cfn

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
)

// Amplification bounds every evaluation of one template stays within, whatever it
// holds (MaxEvalSteps and MaxEvalBytes are what make them hold).
const (
	maxEvalAlloc = 512 << 20 // bytes allocated by parsing and evaluating one template
	maxEvalTime  = 10 * time.Second
)

const fnHead = "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      Runtime: python3.12\n"

// subBomb: each !Sub doubles its variable, itself a !Sub (1.6 KB, 2^40 bytes).
func subBomb(levels int) string {
	expr := "'xxxxxxxx'"
	for range levels {
		expr = "{'Fn::Sub': ['${a}${a}', {a: " + expr + "}]}"
	}
	return fnHead + "      Environment:\n        Variables:\n          X: " + expr + "\n"
}

// condBomb: each condition refers three times to the one before (3^levels paths).
func condBomb(levels int) string {
	var b strings.Builder
	b.WriteString("Conditions:\n  C0: !Equals [a, b]\n")
	for i := 1; i < levels; i++ {
		fmt.Fprintf(&b, "  C%d: !Or [!Condition C%d, !Condition C%d, !Not [!Condition C%d]]\n", i, i-1, i-1, i-1)
	}
	return b.String() + strings.Replace(fnHead, "Runtime: python3.12", fmt.Sprintf("Runtime: !If [C%d, python3.12, python3.11]", levels-1), 1)
}

// refBomb: one large parameter default referenced many times.
func refBomb(size, refs int) string {
	var b strings.Builder
	b.WriteString("Parameters:\n  Big: {Type: String, Default: " + strings.Repeat("y", size) + "}\n")
	b.WriteString(fnHead + "      Environment:\n        Variables:\n")
	for i := range refs {
		fmt.Fprintf(&b, "          V%d: !Join ['', [!Ref Big, !Ref Big, !Sub '${Big}']]\n", i)
	}
	return b.String()
}

// ifBomb: Fn::If on a condition that cannot be decided keeps both branches; YAML
// aliases make each level twice the one below.
func ifBomb(levels int) string {
	var b strings.Builder
	b.WriteString("Parameters:\n  P: {Type: String}\nConditions:\n  U: !Equals [!Ref P, x]\nX:\n  - &a0 arn:aws:lambda:us-east-1:123456789012:layer:x:1\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "  - &a%d !If [U, *a%d, *a%d]\n", i, i-1, i-1)
	}
	b.WriteString("Globals:\n  Function:\n    Layers: [*a" + fmt.Sprint(levels) + "]\n")
	b.WriteString(fnHead)
	for i := range 200 {
		fmt.Fprintf(&b, "  Fn%d:\n    Type: AWS::Serverless::Function\n    Properties: {Handler: app.handler, Runtime: python3.12}\n", i)
	}
	return b.String()
}

// splitBomb: a long string split into very many items, many times.
func splitBomb(size, refs int) string {
	var b strings.Builder
	b.WriteString("Parameters:\n  Big: {Type: CommaDelimitedList, Default: '" + strings.Repeat(",", size) + "'}\n")
	b.WriteString(fnHead + "      Environment:\n        Variables:\n")
	for i := range refs {
		fmt.Fprintf(&b, "          V%d: !Join [',', !Split [',', !Join [',', !Ref Big]]]\n", i)
	}
	return b.String()
}

// evalAll parses data and evaluates everything a loader would, and more: every
// property of every resource, every condition, the Lambda model.
func evalAll(data []byte) (*Template, error) {
	tpl, err := Parse(data, "t.yaml")
	if err != nil {
		return nil, err
	}
	for _, r := range tpl.Resources {
		for _, k := range r.Properties.keys() {
			_ = tpl.Eval(k.Value)
			_ = Describe(k.Value)
		}
	}
	for _, k := range tpl.Section("Conditions").keys() {
		tpl.Condition(k.Name)
	}
	b := &Builder{T: tpl, App: &model.App{}, Globals: tpl.Section("Globals").Get("Function"),
		Code:    func(*Resource, *model.Function, Location) {},
		Content: func(*Resource, *model.Layer, Location) {}}
	b.BuildLayers()
	b.BuildFunctions()
	return tpl, tpl.Err()
}

// measure runs evalAll and returns the bytes it allocated and the time it took.
func measure(data []byte) (tpl *Template, err error, alloc uint64, took time.Duration) {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	tpl, err = evalAll(data)
	took = time.Since(start)
	runtime.ReadMemStats(&after)
	return tpl, err, after.TotalAlloc - before.TotalAlloc, took
}

// TestEvalBudget: each amplifying template ends quickly, within the allocation bound,
// with an InputError at the expression that overran (or, for Conditions, which
// memoization makes linear, with the right answer).
func TestEvalBudget(t *testing.T) {
	cases := []struct {
		name, tpl string
		want      string // in the error; "" when the template must load
		line      int
	}{
		{"sub", subBomb(40), "MiB of strings", 9},
		{"conditions", condBomb(60), "", 0},
		{"conditions-too-long", condBomb(400), "steps", 0},
		{"refs", refBomb(400_000, 100), "MiB of strings", 0},
		{"if", ifBomb(13), "steps", 0},
		{"split", splitBomb(200_000, 100), "steps", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tpl, err, alloc, took := measure([]byte(c.tpl))
			t.Logf("%d bytes: %v, %d MiB allocated, %v", len(c.tpl), err, alloc>>20, took)
			if alloc > maxEvalAlloc || took > maxEvalTime {
				t.Errorf("allocated %d MiB in %v; bounds %d MiB, %v", alloc>>20, took, maxEvalAlloc>>20, maxEvalTime)
			}
			if c.want == "" {
				if err != nil {
					t.Fatalf("error %v, want none", err)
				}
				return
			}
			var ie *iac.InputError
			if !errors.As(err, &ie) || !strings.Contains(ie.Msg, c.want) {
				t.Fatalf("error %v, want an InputError saying %q", err, c.want)
			}
			if ie.Pos.File != "t.yaml" || ie.Pos.Line == 0 || c.line != 0 && ie.Pos.Line != c.line {
				t.Errorf("error at %+v, want t.yaml line %d", ie.Pos, c.line)
			}
			_ = tpl
		})
	}
	// The memoized conditions give the answer the plain evaluation gives.
	tpl, err := Parse([]byte(condBomb(60)), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"C0", "C1", "C2", "C59"} {
		v, ok := tpl.Condition(name)
		want := name != "C0"
		if !ok || v != want {
			t.Errorf("%s = %v, %v; want %v, true", name, v, ok, want)
		}
	}
}

// FuzzEvalAmplification: no template makes parsing and evaluation take more than the
// allocation and time bounds, and every error is an *iac.InputError with a file and
// line. The committed seeds (testdata/fuzz/FuzzEvalAmplification) are the amplifying
// shapes above, small: subBomb(40), condBomb(60), condBomb(300), refBomb(20_000, 60),
// ifBomb(12), splitBomb(20_000, 60).
//
// The budgets are a tenth of the real ones here, and so is the allocation bound: the
// fuzzer then runs many inputs a second rather than a few that each spend 4M steps.
func FuzzEvalAmplification(f *testing.F) {
	evalSteps, evalBytes = MaxEvalSteps/10, MaxEvalBytes/10
	f.Cleanup(func() { evalSteps, evalBytes = MaxEvalSteps, MaxEvalBytes })
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err, alloc, took := measure(data)
		// Parsing alone may allocate 64 times the input (templates hold up to 250,000
		// values); evaluation is bounded by the budgets.
		limit := uint64(maxEvalAlloc/10 + 64*len(data))
		if alloc > limit || took > maxEvalTime {
			t.Fatalf("%d-byte template: allocated %d MiB in %v; bounds %d MiB, %v", len(data), alloc>>20, took, limit>>20, maxEvalTime)
		}
		if err != nil {
			var ie *iac.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is a %T, not *iac.InputError", err, err)
			}
		}
	})
}
