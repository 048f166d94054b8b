package suppress

import (
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/model"
)

// FuzzComments: the comment readers never panic, and every suppression they return
// names at least one code and points at a line of the input.
func FuzzComments(f *testing.F) {
	for _, s := range []string{
		"import x  # layerkit: ignore[LK101] -- why\n",
		"# layerkit: ignore-file[unresolved-import,LK104]\n",
		"x = 1 // layerkit-ignore LK101\n// layerkit-ignore-file LK104",
		"# layerkit-ignore LK105\nresource \"a\" \"b\" {}\n",
		"# layerkit: ignore[\n",
		"// layerkit-ignore\n",
		"#layerkit:ignore[LK101]--",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		n := len(strings.Split(src, "\n"))
		for _, read := range []func([]byte, string) ([]model.Suppression, error){Python, JavaScript, Terraform} {
			sups, err := read([]byte(src), "f")
			if err != nil {
				continue
			}
			for _, s := range sups {
				if len(s.Codes) == 0 || s.Pos.Line < 1 || s.Pos.Line > n || s.Line < 0 || s.Line > n+1 {
					t.Fatalf("bad suppression %+v for %q", s, src)
				}
			}
		}
	})
}
