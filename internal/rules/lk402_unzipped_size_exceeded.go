package rules

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/layerkit/layerkit/internal/bytesize"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/rulecode"
	"github.com/layerkit/layerkit/internal/tree"
)

// UnzippedLimit is Lambda's quota for a function's package plus all its layers, unzipped.
const UnzippedLimit = 262_144_000

var LK402 = register(&Rule{
	Code:     rulecode.LK402,
	Severity: model.Error,
	Summary:  "The function package plus its layers are over 262,144,000 bytes unzipped.",
	Why: `Lambda's deployment package quota is 250 MiB (262,144,000 bytes; AWS's quota page writes
250 MB) unzipped, for the function's code and all its layers together; the limit for one layer's
zip is not the limit that matters. Over it, CreateFunction / UpdateFunctionCode fail ("Unzipped size
must be smaller than 262144000 bytes"), so the deployment stops.`,
	Example: `function package 40 MiB + layer Deps 190 MiB + layer ML 60 MiB (unzipped)`,
	Fix: `Remove what the function does not need (tests, docs, __pycache__, boto3/botocore: the runtime
has them), strip debug symbols from compiled files, split the function, or move to a container image
(10 GB). The finding lists the largest top-level packages to start with.`,
	Requires: []*Analysis{Sizes},
	Run:      runLK402,
})

// treeSize is what one tree weighs.
type treeSize struct {
	t     tree.Tree
	layer bool
	total int64

	once sync.Once
	tops map[string]int64 // top-level package (as placed in the tree) → bytes; see topsOf
}

// sizeOf sums the file sizes of t; a zip knows its total from its index, so only a
// folder is walked.
func sizeOf(p *Pass, t tree.Tree, layer bool) *treeSize {
	p.need(Sizes)
	return cacheOf(p).sizes.Get(sizeKey{t, layer}, func() *treeSize {
		return &treeSize{t: t, layer: layer, total: unzipped(t, listed{t, cacheOf(p)})}
	})
}

// UnzippedSize is what t weighs in /var/task or /opt: the sum of its files' sizes, or
// for a zip the total its index gives (entries the index does not resolve too). It is
// the size LK402 judges, and the HTML report's treemap sums to it.
func UnzippedSize(t tree.Tree) int64 { return unzipped(t, t) }

// unzipped is UnzippedSize walking t through list (the pass's cached listing).
func unzipped(t, list tree.Tree) int64 {
	if z, ok := t.(*tree.ZipTree); ok {
		_, n := z.Size()
		return n
	}
	var n int64
	_ = tree.Walk(list, "", func(_ string, info tree.Info) error {
		if !info.Dir {
			n += info.Size
		}
		return nil
	})
	return n
}

type sizeKey struct {
	t     tree.Tree
	layer bool
}

// topsOf groups the file sizes of s's tree by top-level package: for a layer, what is
// directly in python/ or python/lib/pythonX.Y/site-packages/ (else the root entry);
// for a function package, the root entries. Only a function over the limit needs it.
func (s *treeSize) topsOf() map[string]int64 {
	s.once.Do(func() {
		s.tops = map[string]int64{}
		_ = tree.Walk(s.t, "", func(name string, info tree.Info) error {
			if !info.Dir {
				s.tops[topOf(name, s.layer)] += info.Size
			}
			return nil
		})
	})
	return s.tops
}

func topOf(name string, layer bool) string {
	// Every answer is a prefix of name (up to a part, or up to and with its slash), so
	// it is cut from name without splitting it: a 2.5 GB layer has 200,000 names.
	first := strings.IndexByte(name, '/')
	if first < 0 {
		return name
	}
	second := nextSlash(name, first)
	if !layer || name[:first] != "python" || second < 0 {
		return name[:first+1]
	}
	if third := nextSlash(name, second); third >= 0 && name[first+1:second] == "lib" && strings.HasPrefix(name[second+1:third], "python") {
		if fourth := nextSlash(name, third); fourth >= 0 && name[third+1:fourth] == "site-packages" {
			if fifth := nextSlash(name, fourth); fifth >= 0 {
				return name[:fifth+1]
			}
			return name
		}
	}
	return name[:second+1]
}

// nextSlash is the index of the first slash in name after index i, or -1.
func nextSlash(name string, i int) int {
	if j := strings.IndexByte(name[i+1:], '/'); j >= 0 {
		return i + 1 + j
	}
	return -1
}

func runLK402(p *Pass) {
	for _, f := range p.Functions {
		fn := f.Fn
		if fn.PackageType == "Image" || fn.Code == nil || fn.Code.Opaque {
			continue
		}
		type part struct {
			label string
			size  *treeSize
		}
		parts := []part{{"function package", sizeOf(p, fn.Code.Tree, false)}}
		unknown := 0
		for _, ref := range fn.Layers {
			if !ref.Inspectable() || ref.Layer.Content.Opaque {
				unknown++
				continue
			}
			parts = append(parts, part{"layer " + ref.Layer.Name, sizeOf(p, ref.Layer.Content.Tree, true)})
		}
		var total int64
		for _, pt := range parts {
			total += pt.size.total
		}
		if total <= UnzippedLimit {
			continue
		}
		var sizes []string
		type top struct {
			name string
			size int64
		}
		var tops []top
		for _, pt := range parts {
			sizes = append(sizes, fmt.Sprintf("%s %s", pt.label, bytesize.Format(pt.size.total)))
			for n, s := range pt.size.topsOf() {
				tops = append(tops, top{strings.TrimPrefix(pt.label, "layer ") + ": " + n, s})
				if pt.label == "function package" {
					tops[len(tops)-1].name = "function: " + n
				}
			}
		}
		sort.Slice(tops, func(i, j int) bool {
			if tops[i].size != tops[j].size {
				return tops[i].size > tops[j].size
			}
			return tops[i].name < tops[j].name
		})
		if len(tops) > 10 {
			tops = tops[:10]
		}
		var big []string
		for _, t := range tops {
			big = append(big, fmt.Sprintf("%s %s", t.name, bytesize.Format(t.size)))
		}
		more := ""
		if unknown > 0 {
			more = fmt.Sprintf(", not counting %d layer(s) layerkit cannot read", unknown)
		}
		p.Report(rulecode.LK402, model.Error, fn.Name, "", fn.Pos,
			fmt.Sprintf("%s unzips to %s (%d bytes: %s%s), over Lambda's limit of 250 MiB (262,144,000 bytes) for the function and its layers together; the deployment will fail. Largest top-level packages: %s",
				fn.Name, bytesize.Format(total), total, strings.Join(sizes, ", "), more, strings.Join(big, "; ")),
			fmt.Sprintf("Cut %s: start with the largest packages above; drop boto3/botocore (the runtime provides them), tests/ folders, __pycache__/ and *.pyi stubs, strip debug symbols from .so files (strip --strip-debug), or use a container image (up to 10 GB).", bytesize.Format(total-UnzippedLimit)))
	}
}
