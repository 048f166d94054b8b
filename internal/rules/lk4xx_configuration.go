package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
)

var LK401 = register(&Rule{
	Code:     rulecode.LK401,
	Severity: model.Error,
	Summary:  "A function has more than 5 layers.",
	Why:      `Lambda allows at most five layers per function; the deployment fails with more.`,
	Example:  `Layers: [!Ref A, !Ref B, !Ref C, !Ref D, !Ref E, !Ref F]`,
	Fix:      `Merge layers, or move code into the function package.`,
	Run: func(p *Pass) {
		for _, f := range p.Functions {
			if n := len(f.Fn.Layers); n > 5 {
				p.Report(rulecode.LK401, model.Error, f.Fn.Name, "", f.Fn.Pos,
					fmt.Sprintf("%s has %d layers; Lambda allows at most 5, so the deployment will fail", f.Fn.Name, n),
					"Merge layers that are always used together into one, or move their code into the function package.")
			}
		}
	},
})

var LK403 = register(&Rule{
	Code:     rulecode.LK403,
	Severity: model.Warning,
	Summary:  "The function's runtime is not in the layer's CompatibleRuntimes.",
	Why: `CompatibleRuntimes says which runtimes the layer was built for. Lambda does not enforce it, but
a layer built for another runtime usually ships packages in the wrong folder or compiled for another
Python or Node.js, which fails at import time.`,
	Example: `CompatibleRuntimes: [python3.9]   # attached to a python3.12 function`,
	Fix:     `Rebuild the layer for the function's runtime and add it to CompatibleRuntimes.`,
	Run: func(p *Pass) {
		for _, f := range p.Functions {
			if f.Fn.Runtime == "" {
				continue
			}
			for _, ref := range f.Fn.Layers {
				l := ref.Layer
				if l == nil || l.CompatibleRuntimes == nil || slices.Contains(l.CompatibleRuntimes, f.Fn.Runtime) {
					continue
				}
				risk := fmt.Sprintf("packages built for another Python may sit in a folder %s does not search or fail to load", f.Fn.Runtime)
				if strings.HasPrefix(f.Fn.Runtime, "nodejs") {
					risk = fmt.Sprintf("packages built for another Node.js may use what %s lacks, sit in a version folder (nodejs/nodeNN/node_modules) it does not search, or ship native addons built for another NODE_MODULE_VERSION", f.Fn.Runtime)
				}
				p.Report(rulecode.LK403, model.Warning, f.Fn.Name, l.Name, ref.Pos,
					fmt.Sprintf("layer %s declares CompatibleRuntimes [%s]; %s runs %s. Lambda attaches it anyway: %s", l.Name, strings.Join(l.CompatibleRuntimes, ", "), f.Fn.Name, f.Fn.Runtime, risk),
					fmt.Sprintf("Rebuild %s for %s and add it to CompatibleRuntimes, or use a layer built for %s.", l.Name, f.Fn.Runtime, f.Fn.Runtime))
			}
		}
	},
})

var LK404 = register(&Rule{
	Code:     rulecode.LK404,
	Severity: model.Warning,
	Summary:  "The function's architecture is not in the layer's CompatibleArchitectures.",
	Why: `CompatibleArchitectures says which CPU the layer's native code was built for. Lambda does not
enforce it; native code for the other architecture fails at import time.`,
	Example: `CompatibleArchitectures: [x86_64]   # attached to an arm64 function`,
	Fix:     `Build the layer for the function's architecture too and list it.`,
	Run: func(p *Pass) {
		for _, f := range p.Functions {
			arch := f.Fn.Arch
			if arch == "" {
				arch = "x86_64"
			}
			for _, ref := range f.Fn.Layers {
				l := ref.Layer
				if l == nil || l.CompatibleArchitectures == nil || slices.Contains(l.CompatibleArchitectures, arch) {
					continue
				}
				p.Report(rulecode.LK404, model.Warning, f.Fn.Name, l.Name, ref.Pos,
					fmt.Sprintf("layer %s declares CompatibleArchitectures [%s]; %s runs on %s. Lambda attaches it anyway: compiled code built only for %s fails to import", l.Name, strings.Join(l.CompatibleArchitectures, ", "), f.Fn.Name, arch, strings.Join(l.CompatibleArchitectures, ", ")),
					fmt.Sprintf("Build %s for %s too (and list it), or change the function's Architectures.", l.Name, arch))
			}
		}
	},
})

var LK407 = register(&Rule{
	Code:     rulecode.LK407,
	Severity: model.Warning,
	Summary:  "The same layer is attached to a function twice.",
	Why: `Attaching a layer twice counts twice against the five-layer limit, and the second copy is
extracted over the layers between them, which changes which files win.`,
	Example: `Layers: [!Ref Common, !Ref Other, !Ref Common]`,
	Fix:     `Remove the duplicate entry.`,
	Fixes: `Safe (--fix): the earlier of the two entries is removed from the Layers list (its whole line, or
the item and its comma in [a, b, a]). Lambda extracts the layers in order and the later copy
overwrites every file of the earlier one, so /opt holds the same files afterwards. Not offered
when the two entries are in different lists (SAM Globals and the function).`,
	Run: func(p *Pass) {
		for _, f := range p.Functions {
			seen := map[string]int{}
			for i, ref := range f.Fn.Layers {
				k := ref.Key()
				if first, dup := seen[k]; dup {
					name := ref.ARN
					if ref.Layer != nil {
						name = ref.Layer.Name
					}
					if name == "" {
						name = ref.Text
					}
					p.ReportFix(rulecode.LK407, model.Warning, f.Fn.Name, "", f.Fn.Pos,
						fmt.Sprintf("%s attaches layer %s more than once (again at line %d): it counts twice toward Lambda's limit of 5 layers, and the second copy is extracted over the layers between, changing which files win", f.Fn.Name, name, ref.Pos.Line),
						"Remove the duplicate entry from Layers.", duplicateLayerFix(p, f.Fn.Layers[first], ref))
					continue
				}
				seen[k] = i
			}
		}
	},
})
