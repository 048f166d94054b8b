package rules

import (
	"fmt"

	"github.com/layerkit/layerkit/internal/model"
)

var LK405 = register(&Rule{
	Code:       "LK405",
	Name:       "deprecated-runtime",
	Severity:   model.Warning,
	Severities: "error once Lambda blocks updates of functions on the runtime",
	Summary:    "The function's runtime is deprecated (with the dates Lambda blocks creating and updating functions).",
	Why: `After a runtime's deprecation date Lambda no longer patches it; later it blocks creating functions
on it, then updating them. The dates come from the runtime catalogue (internal/runtimes/runtimes.json).`,
	Example: `Runtime: python3.9`,
	Fix:     `Move to a supported runtime (and rebuild layers for it).`,
	Run: func(p *Pass) {
		for _, f := range p.Functions {
			rt := f.Runtime
			if rt == nil || rt.Deprecated.IsZero() || p.Today.Before(rt.Deprecated) {
				continue
			}
			sev := model.Warning
			state := "deprecated since " + day(rt.Deprecated) + " (Lambda no longer patches it)"
			if !rt.BlockUpdate.IsZero() && !p.Today.Before(rt.BlockUpdate) {
				sev = model.Error
				state += "; Lambda has blocked updates since " + day(rt.BlockUpdate) + ", so deploying any change to the function fails"
			} else if !rt.BlockCreate.IsZero() {
				state += fmt.Sprintf("; Lambda blocks creating functions on it from %s and updating them from %s", day(rt.BlockCreate), day(rt.BlockUpdate))
			}
			pos := f.Fn.RuntimePos
			if pos.IsZero() {
				pos = f.Fn.Pos
			}
			p.Report("LK405", sev, f.Fn.Name, "", pos,
				fmt.Sprintf("%s runs %s, %s", f.Fn.Name, rt.ID, state),
				"Move to a supported runtime, and rebuild its layers for it.")
		}
	},
})

func day(t interface{ Format(string) string }) string { return t.Format("2006-01-02") }
