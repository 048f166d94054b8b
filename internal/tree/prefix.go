package tree

import (
	"io"
	"io/fs"
	"sync"
)

// PrefixReader is a Tree that can read the first bytes of a file without reading (or
// inflating) all of it.
type PrefixReader interface {
	ReadPrefix(name string, n int) ([]byte, error)
}

// ReadPrefix returns at most the first n bytes of name in t: cheaply when t can, else
// through ReadFile.
func ReadPrefix(t Tree, name string, n int) ([]byte, error) {
	if p, ok := t.(PrefixReader); ok {
		return p.ReadPrefix(name, n)
	}
	b, err := t.ReadFile(name)
	if len(b) > n {
		b = b[:n]
	}
	return b, err
}

func readUpTo(r io.Reader, n int) ([]byte, error) {
	buf := make([]byte, n)
	k, err := io.ReadFull(r, buf)
	if err == io.ErrUnexpectedEOF || err == io.EOF {
		err = nil
	}
	return buf[:k], err
}

// ReadPrefix reads the first n bytes of a file on disk, opened as ReadFile opens it.
func (d *DirTree) ReadPrefix(name string, n int) ([]byte, error) {
	info, l, err := d.stat(name)
	if err != nil {
		return nil, err
	}
	if info.Dir {
		return nil, fs.ErrNotExist
	}
	name, _ = Clean(name)
	return d.read(name, l, func(r io.Reader) ([]byte, error) { return readUpTo(r, n) })
}

// ReadPrefix inflates only the first n bytes of a zip entry.
func (t *ZipTree) ReadPrefix(name string, n int) ([]byte, error) {
	name, k := t.fileEntry(name)
	if k < 0 {
		return nil, fs.ErrNotExist
	}
	if t.src != nil {
		if err := t.src.acquire(); err != nil {
			return nil, err
		}
		defer t.src.release()
	}
	e := &t.dir.entries[k]
	off, err := e.dataOffset(t.ra, t.zipped)
	var rc io.ReadCloser
	if err == nil {
		rc, err = e.open(t.ra, off)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: t.Display(name), Err: err}
	}
	defer rc.Close()
	return readUpTo(rc, n)
}

// ReadPrefix delegates to the folder's tree.
func (s *sub) ReadPrefix(name string, n int) ([]byte, error) {
	name, ok := Clean(name)
	if !ok || s.empty || name == "" {
		return nil, fs.ErrNotExist
	}
	return ReadPrefix(s.t, s.dir+"/"+name, n)
}

// ReadPrefix delegates to the mounted tree.
func (m *mount) ReadPrefix(name string, n int) ([]byte, error) {
	name, ok := Clean(name)
	if !ok {
		return nil, fs.ErrNotExist
	}
	rest, inside, _, _ := m.where(name)
	if !inside || rest == "" {
		return nil, fs.ErrNotExist
	}
	return ReadPrefix(m.t, rest, n)
}

// ReadPrefix reads from the layer whose file is visible.
func (o *Overlay) ReadPrefix(name string, n int) ([]byte, error) {
	l, name, err := o.fileLayer(name)
	if err != nil {
		return nil, err
	}
	return ReadPrefix(l, name, n)
}

// ReadFileBuf is t.ReadFile(name) that may use buf's storage for the bytes it returns
// (when buf has the room): for a caller that reads many files and keeps none of them,
// as the metadata reader does with a layer's RECORDs (17 MB of them at 2.5 GB). The
// result belongs to the caller: buf's storage, or a new slice (a copy of what a tree
// of unknown kind returns, which may be the tree's own bytes, as a Map's are).
func ReadFileBuf(t Tree, name string, buf []byte) ([]byte, error) {
	switch t := t.(type) {
	case *ZipTree:
		return t.readFile(name, buf)
	case *DirTree:
		return t.ReadFile(name) // read into a new slice
	case *Overlay:
		l, name, err := t.fileLayer(name)
		if err != nil {
			return nil, err
		}
		return ReadFileBuf(l, name, buf)
	case *sub:
		name, ok := Clean(name)
		if !ok || t.empty || name == "" {
			return nil, fs.ErrNotExist
		}
		return ReadFileBuf(t.t, t.dir+"/"+name, buf)
	case *mount:
		name, ok := Clean(name)
		if !ok {
			return nil, fs.ErrNotExist
		}
		rest, inside, _, _ := t.where(name)
		if !inside || rest == "" {
			return nil, fs.ErrNotExist
		}
		return ReadFileBuf(t.t, rest, buf)
	}
	b, err := t.ReadFile(name)
	if b == nil {
		return nil, err
	}
	return append(buf[:0], b...), err
}

// WithFile calls fn with the bytes of name in t (nil, and the error, when it cannot be
// read), read into a buffer that is used again once fn returns: for callers that read
// many files and keep none of their bytes (the metadata reader's RECORDs, the import
// scanner's layer modules). A buffer too small is made size bytes (a hint: the largest
// of the files the caller will read, 0 when not known) when that is not too much.
func WithFile(t Tree, name string, size int64, fn func(b []byte, err error)) {
	p, _ := buffers.Get().(*[]byte)
	if p == nil {
		p = new([]byte)
	}
	if size > int64(cap(*p)) && size <= maxPooled {
		*p = make([]byte, 0, size)
	}
	b, err := ReadFileBuf(t, name, (*p)[:0])
	if err != nil {
		b = nil
	}
	fn(b, err)
	if cap(b) > cap(*p) && cap(b) <= maxPooled {
		*p = b // a new slice that belongs to us: the buffer from now on
	}
	buffers.Put(p)
}

// buffers holds WithFile's buffers, each up to maxPooled bytes.
var buffers sync.Pool

const maxPooled = 16 << 20
