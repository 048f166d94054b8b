package native

import (
	"io/fs"
	"path"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/layerkit/layerkit/internal/tree"
)

// MaxRead is the largest file Reader reads to analyse (64 MiB). Larger ones are judged
// by their names only.
const MaxRead = 64 << 20

// Reader analyses compiled files in trees, caching by file, so layers shared by many
// functions are read once. Files in a tree.Overlay are cached under the layer that owns
// them. Safe for concurrent use; the zero value is ready.
type Reader struct {
	mu sync.Mutex
	m  map[fileKey]*result
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
	k := fileKey{t, name}
	r.mu.Lock()
	res, ok := r.m[k]
	r.mu.Unlock()
	if ok {
		return res.bin, res.err
	}
	res = &result{}
	if info, err := t.Stat(name); err != nil {
		res.err = err
	} else if info.Size > MaxRead {
		res.err = errTooLarge
	} else if data, err := t.ReadFile(name); err != nil {
		res.err = err
	} else {
		b, err := Read(data)
		if err == ErrNotObject {
			err = nil
		}
		res.bin, res.err = b, err
		if b != nil && b.Format != Unknown {
			res.err = nil // what the header said is enough
		}
	}
	r.mu.Lock()
	if r.m == nil {
		r.m = map[fileKey]*result{}
	}
	r.m[k] = res
	r.mu.Unlock()
	return res.bin, res.err
}

var errTooLarge = &fs.PathError{Op: "read", Path: "", Err: fs.ErrInvalid}

// HeaderSize is how much of a file Header reads: enough for the ELF header's machine, a
// Mach-O (universal) header's CPU types and a PE stub.
const HeaderSize = 512

// Header analyses only the first HeaderSize bytes of name: the format and the machine,
// not the GLIBC needs (those sit anywhere in the file). Far cheaper than Binary for a
// deflated zip entry of many megabytes.
func (r *Reader) Header(t tree.Tree, name string) *Binary {
	k := fileKey{t, name + "\x00head"}
	r.mu.Lock()
	res, ok := r.m[k]
	r.mu.Unlock()
	if ok {
		return res.bin
	}
	res = &result{}
	if head, err := tree.ReadPrefix(t, name, HeaderSize); err == nil {
		if b, _ := Read(head); b != nil && b.Format != Unknown {
			b.GlibcNeeds, b.Needed, b.Musl = nil, nil, false // not from a prefix
			res.bin = b
		}
	}
	r.mu.Lock()
	if r.m == nil {
		r.m = map[fileKey]*result{}
	}
	r.m[k] = res
	r.mu.Unlock()
	return res.bin
}

// Headers reads the headers of names in t (see Header) side by side, for a caller about
// to ask for many: each is a zip entry to open and inflate.
func (r *Reader) Headers(t tree.Tree, names []string) {
	var todo []string
	r.mu.Lock()
	for _, name := range names {
		if _, ok := r.m[fileKey{t, name + "\x00head"}]; !ok {
			todo = append(todo, name)
		}
	}
	r.mu.Unlock()
	workers := min(runtime.GOMAXPROCS(0), len(todo))
	if workers <= 1 {
		return // Header reads it when asked
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(todo); i = int(next.Add(1) - 1) {
				r.Header(t, todo[i])
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

// find is tree.Walk (same order, and a folder that cannot be listed ends the walk)
// making names only for folders and compiled files: a layer has tens of thousands of
// other files.
func find(t tree.Tree, dir string, skip func(name string) bool, out *[]string) error {
	entries, err := t.ReadDir(dir)
	if err != nil {
		return err
	}
	if c, ok := tree.Clean(dir); ok {
		dir = c
	}
	join := func(base string) string {
		if dir == "" {
			return base
		}
		return dir + "/" + base
	}
	for _, e := range entries {
		if !e.Dir {
			if IsNativeName(e.Name) {
				*out = append(*out, join(e.Name))
			}
			continue
		}
		name := join(e.Name)
		b := path.Base(name)
		if b == "__pycache__" || strings.HasPrefix(b, ".") || strings.HasSuffix(b, ".dist-info") || strings.HasSuffix(b, ".egg-info") || (skip != nil && skip(name)) {
			continue
		}
		if err := find(t, name, skip, out); err != nil {
			return err
		}
	}
	return nil
}
