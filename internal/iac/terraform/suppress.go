package terraform

import (
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/suppress"
)

// ignores adds to app the `# layerkit-ignore LK105 -- reason` comments of the root
// module's .tf files (as tflint's): above a function's or a layer's resource block the
// ignore covers that resource's findings (every instance of it); above any other line,
// the findings on that line. An unknown code is an input error at the comment.
func ignores(app *model.App, srcs []source) error {
	for _, src := range srcs {
		if !strings.HasSuffix(src.name, ".tf") {
			continue // JSON has no comments
		}
		sups, err := suppress.Terraform(src.data, src.name)
		if err != nil {
			return err
		}
		for _, s := range sups {
			matched := false
			for _, f := range app.Functions {
				if f.Pos.File == s.File && f.Pos.Line == s.Line {
					r := s
					r.File, r.Line, r.Function = "", 0, f.Name
					app.Suppressions = append(app.Suppressions, r)
					matched = true
				}
			}
			for _, l := range app.Layers {
				if l.Pos.File == s.File && l.Pos.Line == s.Line {
					r := s
					r.File, r.Line, r.Layer = "", 0, l.Name
					app.Suppressions = append(app.Suppressions, r)
					matched = true
				}
			}
			if !matched {
				app.Suppressions = append(app.Suppressions, s)
			}
		}
	}
	return nil
}
