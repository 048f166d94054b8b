package release

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"text/template"

	"go.yaml.in/yaml/v4"

	"github.com/layerkit/layerkit/internal/wheel"
)

// goreleaser is the part of .goreleaser.yaml the other release files depend on.
type goreleaser struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		Main    string   `yaml:"main"`
		Binary  string   `yaml:"binary"`
		Env     []string `yaml:"env"`
		Flags   []string `yaml:"flags"`
		Ldflags []string `yaml:"ldflags"`
		Goos    []string `yaml:"goos"`
		Goarch  []string `yaml:"goarch"`
	} `yaml:"builds"`
	Archives []struct {
		NameTemplate    string   `yaml:"name_template"`
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
}

// TestGoreleaserConfig checks .goreleaser.yaml against what depends on it: the platforms
// are the wheels' (internal/wheel.Targets), built as released (CGO_ENABLED=0, -trimpath,
// no -X version flags: the version comes from the build info), and its archive and
// checksums names, rendered as goreleaser renders them, are the names action.yml and the
// README download. `goreleaser check` itself runs in scripts/release-check.sh.
func TestGoreleaserConfig(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, ".goreleaser.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var g goreleaser
	if err := yaml.Unmarshal(b, &g); err != nil {
		t.Fatalf(".goreleaser.yaml: %v", err)
	}
	if g.Version != 2 || len(g.Builds) != 1 || len(g.Archives) != 1 {
		t.Fatalf(".goreleaser.yaml: want version 2, one build, one archive: %+v", g)
	}
	bd := g.Builds[0]
	if bd.Main != "./cmd/layerkit" || bd.Binary != "layerkit" {
		t.Errorf("build main %q binary %q", bd.Main, bd.Binary)
	}
	if !slices.Contains(bd.Env, "CGO_ENABLED=0") || !slices.Contains(bd.Flags, "-trimpath") {
		t.Errorf("build env %v flags %v: want CGO_ENABLED=0 and -trimpath", bd.Env, bd.Flags)
	}
	for _, l := range bd.Ldflags {
		if strings.Contains(l, "-X") {
			t.Errorf("ldflags %q: the version comes from the build info (layerkit version)", l)
		}
	}
	var targets []string
	for _, goos := range bd.Goos {
		for _, goarch := range bd.Goarch {
			targets = append(targets, goos+"/"+goarch)
		}
	}
	var want []string
	for _, tg := range wheel.Targets {
		want = append(want, tg.String())
	}
	slices.Sort(targets)
	slices.Sort(want)
	if !slices.Equal(targets, want) {
		t.Errorf("goreleaser builds %v, wheels are built for %v", targets, want)
	}

	render := func(tmpl string, data map[string]string) string {
		t.Helper()
		var sb strings.Builder
		if err := template.Must(template.New("").Parse(tmpl)).Execute(&sb, data); err != nil {
			t.Fatal(err)
		}
		return sb.String()
	}
	ar := g.Archives[0]
	action, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range wheel.Targets {
		ext := ar.Formats[0]
		for _, o := range ar.FormatOverrides {
			if o.Goos == tg.GOOS {
				ext = o.Formats[0]
			}
		}
		name := render(ar.NameTemplate, map[string]string{"ProjectName": g.ProjectName, "Version": "1.2.3", "Os": tg.GOOS, "Arch": tg.GOARCH}) + "." + ext
		// The name action.yml builds: layerkit_${LK_VERSION#v}_${os}_${arch}.${ext}.
		actionExt := "tar.gz"
		if tg.GOOS == "windows" {
			actionExt = "zip"
		}
		if want := "layerkit_1.2.3_" + tg.GOOS + "_" + tg.GOARCH + "." + actionExt; name != want {
			t.Errorf("%s: goreleaser writes %s, action.yml downloads %s", tg, name, want)
		}
	}
	if !strings.Contains(string(action), `archive="layerkit_${LK_VERSION#v}_${os}_${arch}.${ext}"`) ||
		!strings.Contains(string(action), `sums="layerkit_${LK_VERSION#v}_checksums.txt"`) {
		t.Error("action.yml no longer builds the names this test compares with .goreleaser.yaml")
	}
	if got := render(g.Checksum.NameTemplate, map[string]string{"ProjectName": g.ProjectName, "Version": "1.2.3"}); got != "layerkit_1.2.3_checksums.txt" || g.Checksum.Algorithm != "sha256" {
		t.Errorf("checksums file %s (%s), action.yml reads layerkit_1.2.3_checksums.txt (sha256)", got, g.Checksum.Algorithm)
	}
}
