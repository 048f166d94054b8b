package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/layerkit/layerkit/internal/htmlreport"
	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/inspect"
	"github.com/layerkit/layerkit/internal/layermap"
	"github.com/layerkit/layerkit/internal/native"
	"github.com/layerkit/layerkit/internal/report"
	"github.com/layerkit/layerkit/internal/runtimes"
	"github.com/layerkit/layerkit/internal/tree"
)

// InspectOptions are the flags of `layerkit inspect`.
type InspectOptions struct {
	Layers  []string
	Runtime string
	Arch    string
	Format  string
	// OutputFile is where the report goes ("" stdout).
	OutputFile string
	Limits     Limits
}

func newInspectCmd(s *IO) *cobra.Command {
	o := &InspectOptions{}
	cmd := &cobra.Command{
		Use:   "inspect LAYER...",
		Short: "Show what a layer (zip or folder) provides on a runtime",
		Long: `Inspect shows what a layer provides to a function on one runtime and architecture: the
top-level modules Python can import from it and where they sit (/opt/python or
/opt/python/lib/pythonX.Y/site-packages), what lies off every search path, the installed
distributions and their versions, every native file with its architecture, Python ABI and glibc
needs (and why it cannot load, when it cannot), and the size of each top-level package.

For a Node.js layer (a nodejs/ folder, or JavaScript and no python/ at its root, or --runtime
nodejsNN.x): the packages in each of its NODE_PATH folders (nodejs/nodeNN/node_modules, then
nodejs/node_modules) with their versions, module type, "exports" and sizes, a package an earlier
folder hides, what lies off NODE_PATH (the layer root, nodejs/ outside node_modules, another
version's nodejs/nodeNN/, nodejs/nodejs/), and the .node native addons with their format,
machine and glibc needs (NODE_MODULE_VERSION is not read).

Without --runtime, the newest Python whose site-packages folder the layer has is used (else
python3.13), or for a Node.js layer the newest nodejsNN.x whose nodejs/nodeNN/ it has (else
nodejs22.x); without --arch, the architecture of most of its ELF files (else x86_64).`,
		Example: `  layerkit inspect build/deps.zip
  layerkit inspect layers/shared --runtime python3.11 --arch arm64
  layerkit inspect deps.zip --format json
  layerkit inspect node-deps.zip --runtime nodejs20.x
  layerkit inspect deps.zip --format html -o deps.html   # a page: modules, treemap, what could go`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Layers = args
			return runInspect(s, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.Runtime, "runtime", "", "the runtime to inspect for, e.g. python3.12, nodejs20.x")
	f.StringVar(&o.Arch, "arch", "", "x86_64 or arm64")
	f.StringVarP(&o.Format, "format", "f", "text", "output format: text, json, html (a self-contained page: what the layer provides, a treemap of its size, what could go)")
	f.StringVarP(&o.OutputFile, "output-file", "o", "", "write the report to this file (replaced whole) instead of stdout")
	o.Limits.flags(cmd)
	return cmd
}

func runInspect(s *IO, o *InspectOptions) error {
	switch o.Format {
	case "text", "json", "html":
	default:
		return usageError{fmt.Sprintf("--format must be text, json or html, not %q", o.Format)}
	}
	switch o.Arch {
	case "", "x86_64", "arm64":
	case "aarch64":
		o.Arch = "arm64"
	default:
		return usageError{fmt.Sprintf("--arch must be x86_64 or arm64, not %q", o.Arch)}
	}
	if o.Runtime != "" {
		rt, ok := runtimes.Lookup(o.Runtime)
		if !ok || !(rt.IsPython() || rt.IsNode()) || !rt.ImportsChecked() {
			py := runtimes.PythonRuntimes()
			return usageError{fmt.Sprintf("--runtime %q is not a Python or Node.js runtime layerkit checks (%s … %s, nodejs18.x … nodejs24.x)", o.Runtime, py[0].ID, py[len(py)-1].ID)}
		}
	}
	reader := &native.Reader{}
	var reports []textReport
	var pictured []layermap.LayerInput
	err := o.Limits.run(func(lim iac.Limits) error {
		for _, p := range o.Layers {
			t, err := openLayer(lim.Caps(), p)
			if err != nil {
				return err
			}
			rtID := o.Runtime
			if rtID == "" && inspect.IsNodeLayer(t) {
				rtID = inspect.GuessNodeRuntime(t, defaultNodeRuntime)
			}
			if rtID == "" {
				rtID = inspect.GuessRuntime(t, "python3.13")
			}
			rt, _ := runtimes.Lookup(rtID)
			arch := o.Arch
			if arch == "" {
				arch = inspect.GuessArch(t, reader)
			}
			if o.Format == "html" {
				// drawn after the loop: the zip stays open until then
				pictured = append(pictured, layermap.LayerInput{Name: filepath.ToSlash(p), Tree: t, Runtime: rt, Arch: arch})
				continue
			}
			if rt.IsNode() {
				reports = append(reports, inspect.InspectNode(t, rt, arch, reader))
			} else {
				reports = append(reports, inspect.Inspect(t, rt, arch, reader))
			}
			if z, ok := t.(*tree.ZipTree); ok {
				z.Close()
			}
		}
		return nil
	})
	defer func() {
		for _, l := range pictured {
			if z, ok := l.Tree.(*tree.ZipTree); ok {
				z.Close()
			}
		}
	}()
	if err != nil {
		return err
	}
	write := func(w io.Writer) error {
		switch o.Format {
		case "html":
			names := make([]string, len(pictured))
			for i, l := range pictured {
				names[i] = l.Name
			}
			return htmlreport.Write(w, layermap.BuildLayers("layerkit inspect: "+strings.Join(names, ", "), Version, pictured))
		case "json":
			return report.JSON(w, map[string]any{"version": 1, "layers": reports})
		}
		for i, r := range reports {
			if i > 0 {
				fmt.Fprintln(w)
			}
			r.WriteText(report.Writer(w))
		}
		return nil
	}
	if o.OutputFile == "" {
		return write(s.Out)
	}
	return writeFileAtomic("--output-file", o.OutputFile, write)
}

// textReport is one layer's report: inspect.Report (Python) or inspect.NodeReport.
type textReport interface{ WriteText(io.Writer) }

// defaultNodeRuntime is the runtime a Node.js layer is inspected for when neither
// --runtime nor a nodejs/nodeNN/ folder says which.
const defaultNodeRuntime = "nodejs22.x"

// openLayer opens a layer zip or folder with the caps c; the display is the path as
// given.
func openLayer(c tree.Caps, p string) (tree.Tree, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, unwrapPathErr(err))
	}
	display := filepath.ToSlash(p)
	if fi.IsDir() {
		return c.Dir(p, strings.TrimSuffix(display, "/"))
	}
	z, err := c.Zip(p, display)
	if err != nil {
		return nil, fmt.Errorf("%s: not a zip archive or folder (%v)", p, err)
	}
	return z, nil
}

func unwrapPathErr(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}
