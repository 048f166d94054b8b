package check

import (
	"bytes"
	"strings"

	"github.com/layerkit/layerkit/internal/finding"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/rules"
	"github.com/layerkit/layerkit/internal/suppress"
)

// suppressed applies the inline ignores of app — the loaders' (Metadata, Terraform
// comments, custom.layerkit) and the "# layerkit: ignore[...]" comments of the Python
// modules its functions import — to its findings. With unused, each ignore (code)
// that suppressed nothing is an LK110 finding at the ignore. A malformed ignore
// comment is an input error at its line.
func suppressed(app *model.App, fns []*rules.Function, found []finding.Finding, unused bool) ([]finding.Finding, error) {
	sups := app.Suppressions
	py, err := pythonIgnores(fns)
	if err != nil {
		return nil, err
	}
	if len(py) > 0 {
		sups = append(sups[:len(sups):len(sups)], py...)
	}
	kept, idle := suppress.Apply(found, sups)
	if !unused {
		return kept, nil
	}
	for _, u := range idle {
		f := finding.Finding{Code: rulecode.LK110, Severity: model.Info, Function: u.S.Function, Layer: u.S.Layer, Pos: u.S.Pos,
			Message: u.Describe(),
			Hint:    "Delete the ignore (or this code from it): the problem it was written for is gone, and a stale ignore would hide the next one here."}
		kept = append(kept, f)
	}
	return kept, nil
}

// pythonIgnores reads the ignore comments of every Python module the functions import
// from their own code or layers (not installed distributions), once per file.
func pythonIgnores(fns []*rules.Function) ([]model.Suppression, error) {
	seen := map[string]bool{}
	var out []model.Suppression
	for _, f := range fns {
		if f.Result == nil {
			continue
		}
		for _, m := range f.Result.Imported {
			if m == nil || m.Tree == nil || m.Trusted || !strings.HasSuffix(m.File, ".py") {
				continue
			}
			shown := m.Tree.Display(m.File)
			if seen[shown] {
				continue
			}
			seen[shown] = true
			data, err := m.Tree.ReadFile(m.File)
			if err != nil || !bytes.Contains(data, []byte("layerkit")) {
				continue
			}
			sups, err := suppress.Python(data, shown)
			if err != nil {
				return nil, err
			}
			out = append(out, sups...)
		}
	}
	return out, nil
}
