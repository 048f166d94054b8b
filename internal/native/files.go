package native

import (
	"io/fs"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/layerkit/layerkit/internal/memo"
	"github.com/layerkit/layerkit/internal/tree"
)

// MaxRead is the largest file Reader reads to analyse (64 MiB). Larger ones are judged
// by their names only.
const MaxRead = 64 << 20

// Reader analyses compiled files in trees, caching by file, so layers shared by many
// functions are read once. Files in a tree.Overlay are cached under the layer that owns
// them. Safe for concurrent use; the zero value is ready.
type Reader struct {
	bins  memo.Map[fileKey, result]
	heads memo.Map[fileKey, *Binary]
}

type fileKey struct {
	t    tree.Tree
	name string
}

type result struct {
	bin *Binary
	err error
}

// Binary returns the analysis of name in t: nil (with an error) when it could not be
// read or is too large; a Binary with Format Unknown when it is not an object file.
func (r *Reader) Binary(t tree.Tree, name string) (*Binary, error) {
	t = tree.LayerOf(t, name)
	res := r.bins.Get(fileKey{t, name}, func() result { return readBinary(t, name) })
	return res.bin, res.err
}

func readBinary(t tree.Tree, name string) result {
	info, err := t.Stat(name)
	if err != nil {
		return result{err: err}
	}
	if info.Size > MaxRead {
		return result{err: errTooLarge}
	}
	data, err := t.ReadFile(name)
	if err != nil {
		return result{err: err}
	}
	b, err := Read(data)
	if err == ErrNotObject || b != nil && b.Format != Unknown {
		err = nil // what the header said is enough
	}
	if b != nil && b.Format == ELF && strings.HasSuffix(name, ".node") {
		b.Node = ReadNodeAddon(data)
	}
	return result{b, err}
}

var errTooLarge = &fs.PathError{Op: "read", Path: "", Err: fs.ErrInvalid}

// HeaderSize is how much of a file Header reads: enough for the ELF header's machine, a
// Mach-O (universal) header's CPU types and a PE stub.
const HeaderSize = 512

// Header analyses only the first HeaderSize bytes of name: the format and the machine,
// not the GLIBC needs (those sit anywhere in the file). Far cheaper than Binary for a
// deflated zip entry of many megabytes.
func (r *Reader) Header(t tree.Tree, name string) *Binary {
	return r.heads.Get(fileKey{t, name}, func() *Binary {
		head, err := tree.ReadPrefix(t, name, HeaderSize)
		if err != nil {
			return nil
		}
		b, _ := Read(head)
		if b == nil || b.Format == Unknown {
			return nil
		}
		b.GlibcNeeds, b.Needed, b.Musl = nil, nil, false // not from a prefix
		return b
	})
}

// Headers reads the headers of names in t (see Header) side by side, for a caller about
// to ask for many: each is a zip entry to open and inflate. Headers already read cost a
// lookup.
func (r *Reader) Headers(t tree.Tree, names []string) {
	workers := min(runtime.GOMAXPROCS(0), len(names))
	if workers <= 1 {
		return // Header reads it when asked
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(names); i = int(next.Add(1) - 1) {
				r.Header(t, names[i])
			}
		})
	}
	wg.Wait()
}

// Find lists the compiled files (by name: .so, .so.N, .pyd, .dylib) below dir in t, in
// walk order. skip, when not nil, is asked about every folder (its tree name) and can
// keep the walk out of it; __pycache__, *.dist-info, *.egg-info and hidden folders are
// always skipped.
func Find(t tree.Tree, dir string, skip func(name string) bool) []string {
	var out []string
	_ = find(t, dir, skip, &out)
	return out
}

// find is Find's walk: tree.Walk (a zip's index walks itself, making no listing and
// no name), folders skipped as Find says.
func find(t tree.Tree, dir string, skip func(name string) bool, out *[]string) error {
	return tree.Walk(t, dir, func(name string, e tree.Info) error {
		if !e.Dir {
			if IsNativeName(e.Name) {
				*out = append(*out, name)
			}
			return nil
		}
		b := e.Name
		if b == "__pycache__" || strings.HasPrefix(b, ".") || strings.HasSuffix(b, ".dist-info") || strings.HasSuffix(b, ".egg-info") || (skip != nil && skip(name)) {
			return fs.SkipDir
		}
		return nil
	})
}

// Forget drops what was read of the trees gone says are done with.
func (r *Reader) Forget(gone func(tree.Tree) bool) {
	r.bins.DeleteFunc(func(k fileKey) bool { return gone(k.t) })
	r.heads.DeleteFunc(func(k fileKey) bool { return gone(k.t) })
}
