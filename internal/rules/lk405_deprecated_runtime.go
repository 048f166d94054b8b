package rules

import (
	"fmt"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/runtimes"
)

var LK405 = register(&Rule{
	Code:       rulecode.LK405,
	Severity:   model.Warning,
	Severities: "error once Lambda blocks updates of functions on the runtime",
	Summary:    "The functions' runtime is deprecated (with the dates Lambda blocks creating and updating functions).",
	Why: `After a runtime's deprecation date Lambda no longer patches it; later it blocks creating functions
on it, then updating them. Reported once per runtime, at the Globals Runtime when the functions share
it (else at the first function's), listing the functions that use it. The dates come from the
runtime catalogue (internal/runtimes/runtimes.json); ` + datesChecked() + `.`,
	Example: `Runtime: python3.9`,
	Fix:     `Move to a supported runtime (and rebuild layers for it).`,
	Finish: func(p *Pass) {
		type group struct {
			rt    *runtimes.Runtime
			fns   []*Function
			count map[model.Pos]int
		}
		var order []*group
		byID := map[string]*group{}
		for _, f := range p.Functions {
			rt := f.Runtime
			if rt == nil || rt.Deprecated.IsZero() || p.Today.Before(rt.Deprecated) {
				continue
			}
			g := byID[rt.ID]
			if g == nil {
				g = &group{rt: rt, count: map[model.Pos]int{}}
				byID[rt.ID] = g
				order = append(order, g)
			}
			g.fns = append(g.fns, f)
			g.count[runtimePos(f.Fn)]++
		}
		for _, g := range order {
			rt := g.rt
			sev := model.Warning
			state := "deprecated since " + day(rt.Deprecated) + " (Lambda no longer patches it)"
			if !rt.BlockUpdate.IsZero() && !p.Today.Before(rt.BlockUpdate) {
				sev = model.Error
				state += "; Lambda has blocked updates since " + day(rt.BlockUpdate) + ", so deploying any change to these functions fails"
			} else if !rt.BlockCreate.IsZero() {
				state += fmt.Sprintf("; Lambda blocks creating functions on it from %s and updating them from %s", day(rt.BlockCreate), day(rt.BlockUpdate))
			}
			// The place most of the functions take their runtime from (a Globals Runtime
			// is shared); the first function's on a tie.
			pos, fn := runtimePos(g.fns[0].Fn), g.fns[0].Fn.Name
			for _, f := range g.fns {
				if q := runtimePos(f.Fn); g.count[q] > g.count[pos] {
					pos = q
				}
			}
			who := fn + " runs " + rt.ID
			if len(g.fns) > 1 {
				fn = ""
				who = fmt.Sprintf("%d functions run %s (%s)", len(g.fns), rt.ID, names(g.fns, 8))
			}
			p.Report(rulecode.LK405, sev, fn, "", pos, who+", "+state,
				"Move to a supported runtime, and rebuild its layers for it.")
		}
	},
})

// runtimePos is where a function's runtime is written: its Runtime property (or the
// Globals one it inherits), else the function.
func runtimePos(fn *model.Function) model.Pos {
	if fn.RuntimePos.IsZero() {
		return fn.Pos
	}
	return fn.RuntimePos
}

// names lists the functions' names, the first max of them and how many more.
func names(fns []*Function, max int) string {
	var b strings.Builder
	for i, f := range fns {
		if i == max {
			fmt.Fprintf(&b, " and %d more", len(fns)-max)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(f.Fn.Name)
	}
	return b.String()
}

// datesChecked says when and against what the catalogue's dates were last checked.
func datesChecked() string {
	d, src := runtimes.DatesChecked()
	if d == "" {
		return "its dates have no recorded check"
	}
	return "they were last checked on " + d + " against\n" + src
}

func day(t interface{ Format(string) string }) string { return t.Format("2006-01-02") }
