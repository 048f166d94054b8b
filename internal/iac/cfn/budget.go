package cfn

import (
	"fmt"
	"sync"

	"github.com/layerkit/layerkit/internal/iac"
)

// Evaluation budgets. A template is untrusted input, and its intrinsic functions can
// amplify: a !Sub whose variable is a !Sub of the same doubled string (a 1.6 KB
// template makes gigabytes), one large parameter default referenced thousands of
// times, Fn::If on conditions that cannot be decided (both branches kept, doubling at
// every level of YAML aliases), Conditions that refer to each other fanning out. So
// every template has a budget, shared by all its evaluations: steps (each function or
// value evaluated, each list item made) and bytes (of the strings Fn::Sub, Fn::Join
// and Fn::Split make). A real template spends a few thousand steps and kilobytes; past
// a budget, evaluation stops (what is left is Unknown) and the loader reports the
// template as unreadable input (Template.Err: exit 2, with the file and the line of
// the expression that overran).
const (
	// MaxEvalSteps bounds the evaluation steps of one template.
	MaxEvalSteps = 4_000_000
	// MaxEvalBytes bounds the bytes of the strings evaluation makes in one template.
	MaxEvalBytes = 32 << 20
)

// The budgets spend checks against: the constants, lowered by the fuzz target so that
// it runs many small inputs rather than a few that each spend the full budget.
var evalSteps, evalBytes int64 = MaxEvalSteps, MaxEvalBytes

// itemCost is the steps a list item made from a string costs (Fn::Split, a
// CommaDelimitedList default): each is a Result of its own, where a step is mostly
// free of allocation.
const itemCost = 8

// budget is what a template's evaluations have spent (shared with the other templates
// of its app, see ShareBudget); the first overrun is kept.
type budget struct {
	mu    sync.Mutex
	steps int64
	bytes int64
	err   error
}

// condMemo memoizes a template's Conditions: each is evaluated once (they depend only
// on parameter defaults), so conditions referring to each other cost their number,
// not the number of paths through them.
type condMemo struct {
	mu sync.Mutex
	m  map[string]condResult
}

type condResult struct{ value, known bool }

// spend takes steps and bytes from the budget; false when either is exhausted (now or
// before). v is the expression being evaluated, for the error's position.
func (t *Template) spend(v *Value, steps, bytes int64) bool {
	b := t.budget
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err != nil {
		return false
	}
	b.steps += steps
	b.bytes += bytes
	switch {
	case b.steps > evalSteps:
		b.err = iac.Errorf(t.PosOf(v), "evaluating the template's intrinsic functions takes more than %s steps (Conditions, Fn::If or references that fan out); layerkit stops here rather than exhaust time and memory on a hostile template", thousands(evalSteps))
	case b.bytes > evalBytes:
		b.err = iac.Errorf(t.PosOf(v), "evaluating the template's intrinsic functions makes more than %d MiB of strings (Fn::Sub, Fn::Join or references that repeat a value); layerkit stops here rather than exhaust memory on a hostile template", evalBytes>>20)
	default:
		return true
	}
	return false
}

// Err returns the *iac.InputError of the first evaluation that overran the template's
// budget, nil when none did. Loaders return it after building the template's model.
func (t *Template) Err() error {
	t.budget.mu.Lock()
	defer t.budget.mu.Unlock()
	return t.budget.err
}

// ShareBudget makes t spend the evaluation budget of other (the top template of an
// app whose nested stacks t is one of, or another stack of a cloud assembly), so that
// many templates cannot multiply it. Conditions stay memoized per template.
func (t *Template) ShareBudget(other *Template) {
	t.budget = other.budget
}

func (t *Template) condMemo(name string) (condResult, bool) {
	t.conds.mu.Lock()
	defer t.conds.mu.Unlock()
	r, ok := t.conds.m[name]
	return r, ok
}

func (t *Template) setCondMemo(name string, r condResult) {
	t.conds.mu.Lock()
	defer t.conds.mu.Unlock()
	if t.conds.m == nil {
		t.conds.m = map[string]condResult{}
	}
	t.conds.m[name] = r
}

// thousands writes n with comma separators.
func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
