// Package artifacts loads a function given as plain built artifacts: a function zip or
// folder, its handler, runtime and architecture, and the layer zips or folders in the
// order Lambda applies them (layerkit check --function-zip ... --layer ...).
package artifacts

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
)

// Spec is one function described by its artifacts.
type Spec struct {
	FunctionZip string // a zip or a folder
	Handler     string
	Runtime     string
	Arch        string // "x86_64" (default) or "arm64"
	Layers      []string
	Env         map[string]string
	// Shown names an artifact (FunctionZip or one of Layers, as given) in findings, in
	// place of its path relative to root; HandlerShown names the handler module
	// (model.Function.HandlerShown). layerkit build checks what it builds in a temporary
	// folder and shows it under the names the user gave.
	Shown        map[string]string
	HandlerShown string
}

// Load reads the artifacts of fn. Relative paths are relative to root (the checked
// PATH); displays are relative to root with forward slashes when the artifact is
// inside it. A missing or unreadable artifact is an *iac.InputError naming the path.
func Load(root string, fn Spec) (*model.App, error) { return LoadWith(root, fn, iac.Options{}) }

// LoadWith is Load within the limits of opts.
func LoadWith(root string, fn Spec, opts iac.Options) (*model.App, error) {
	if fn.FunctionZip == "" {
		return nil, iac.Errorf(model.Pos{}, "no function package given (--function-zip)")
	}
	code, display, err := open(opts.Limits, root, fn.FunctionZip, fn.Shown[fn.FunctionZip])
	if err != nil {
		return nil, err
	}
	f := &model.Function{
		Name:         baseName(fn.FunctionZip),
		Kind:         "artifacts",
		Pos:          model.Pos{File: display},
		Runtime:      fn.Runtime,
		Arch:         normArch(fn.Arch),
		Handler:      fn.Handler,
		HandlerShown: fn.HandlerShown,
		PackageType:  "Zip",
		Code:         code,
	}
	f.RuntimePos, f.ArchPos, f.HandlerPos, f.LayersPos = f.Pos, f.Pos, f.Pos, f.Pos
	if len(fn.Env) > 0 {
		f.Env = map[string]model.EnvVar{}
		for k, v := range fn.Env {
			f.Env[k] = model.EnvVar{Value: v, Known: true, Pos: f.Pos}
		}
	}
	app := &model.App{Kind: "artifacts", Source: display, Built: true, Functions: []*model.Function{f}}
	byPath := map[string]*model.Layer{}
	names := map[string]int{}
	for _, p := range fn.Layers {
		key := absPath(root, p)
		if l, ok := byPath[key]; ok { // the same artifact twice: one layer, attached twice
			f.Layers = append(f.Layers, model.LayerRef{Pos: l.Pos, Layer: l})
			continue
		}
		content, disp, err := open(opts.Limits, root, p, fn.Shown[p])
		if err != nil {
			return nil, err
		}
		name := baseName(p)
		names[name]++
		if n := names[name]; n > 1 {
			name += "#" + strconv.Itoa(n)
		}
		l := &model.Layer{Name: name, Pos: model.Pos{File: disp}, Content: content}
		byPath[key] = l
		app.Layers = append(app.Layers, l)
		f.Layers = append(f.Layers, model.LayerRef{Pos: l.Pos, Layer: l})
	}
	return app, nil
}

func absPath(root, p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(root, p)
	}
	return filepath.Clean(p)
}

// open reads the artifact at p, shown as shown ("": its path relative to root).
func open(lim iac.Limits, root, p, shown string) (*model.Code, string, error) {
	abs := absPath(root, p)
	disp := iac.Display(root, p)
	if shown != "" {
		disp = shown
	}
	st, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, disp, iac.Errorf(model.Pos{File: disp}, "no such file or folder")
		}
		return nil, disp, iac.Errorf(model.Pos{File: disp}, "cannot read: %v", iac.UnwrapPath(err))
	}
	if st.IsDir() {
		t, err := lim.Dir(abs, disp)
		if err != nil {
			return nil, disp, iac.Errorf(model.Pos{File: disp}, "cannot read folder: %v", iac.UnwrapPath(err))
		}
		return &model.Code{Tree: t, Display: strings.TrimSuffix(disp, "/") + "/"}, disp, nil
	}
	z, err := lim.Zip(abs, disp)
	if err != nil {
		return nil, disp, iac.Errorf(model.Pos{File: disp}, "not a readable zip archive: %v", iac.UnwrapPath(err))
	}
	return &model.Code{Tree: z, Display: disp}, disp, nil
}

// baseName is the artifact's file name without its extension ("deps.zip" → "deps",
// "layers/core/" → "core").
func baseName(p string) string {
	b := filepath.Base(filepath.Clean(p))
	if ext := filepath.Ext(b); ext != "" && ext != b {
		b = strings.TrimSuffix(b, ext)
	}
	return b
}

func normArch(a string) string {
	switch strings.ToLower(a) {
	case "", "x86_64", "x86-64", "amd64":
		return "x86_64"
	case "arm64", "aarch64":
		return "arm64"
	}
	return a
}
