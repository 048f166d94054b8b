package layerbuild

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExamplesReproducible rebuilds the layers committed in examples/ from their sources,
// with the commands their READMEs give, and requires the same bytes: the zips layerkit
// check reads there are what layerkit build makes.
func TestExamplesReproducible(t *testing.T) {
	const examples = "../../examples"
	cdkZips, _ := filepath.Glob(filepath.Join(examples, "build-cdk", "cdk.out", "asset.*.zip"))
	if len(cdkZips) != 1 {
		t.Fatalf("examples/build-cdk/cdk.out: want one asset.*.zip, got %v", cdkZips)
	}
	for _, tc := range []struct {
		name, src, committed, readme string
	}{
		{"build-terraform", "build-terraform/layer", filepath.Join(examples, "build-terraform", "build", "shared.zip"),
			"layerkit build layer -o build/shared.zip --runtime python3.12 --arch\narm64"},
		{"build-cdk", "build-cdk/layer", cdkZips[0],
			"layerkit build layer -o build/shared.zip --runtime python3.12 --arch\narm64"},
		{"build-makefile", "build-makefile/layer/src", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "shared.zip")
			r, err := Run(context.Background(), Options{Src: filepath.Join(examples, tc.src), Out: out,
				Runtime: "python3.12", Arch: "arm64", Today: today})
			if err != nil {
				t.Fatalf("build: %v\n%+v", err, r)
			}
			if len(r.Findings) > 0 {
				t.Errorf("findings: %+v", r.Findings)
			}
			if !has(zipNames(t, out), "python/shared/money.py") {
				t.Errorf("no python/shared/money.py in %v", zipNames(t, out))
			}
			if tc.committed != "" {
				got, _ := os.ReadFile(out)
				want, err := os.ReadFile(tc.committed)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("rebuilding %s does not give the committed %s (CodeSha256 now %s); rebuild it with the README's command", tc.src, tc.committed, r.SHA256)
				}
			}
			readme, _ := os.ReadFile(filepath.Join(examples, tc.name, "README.md"))
			if tc.readme != "" && !strings.Contains(string(readme), tc.readme) {
				t.Errorf("README.md no longer gives the command %q", tc.readme)
			}
		})
	}
	mk, err := os.ReadFile(filepath.Join(examples, "build-makefile", "layer", "Makefile"))
	if err != nil || !strings.Contains(string(mk), "layerkit build src -o \"$(ARTIFACTS_DIR).zip\" --runtime python3.12 --arch arm64") {
		t.Errorf("build-makefile/layer/Makefile does not call layerkit build as its README says (%v)", err)
	}
}
