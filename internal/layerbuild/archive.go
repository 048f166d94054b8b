package layerbuild

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/layerkit/layerkit/internal/zipwrite"
)

// collect lists the layer folder's content for the archive, dropping __pycache__ and
// *.pyc. A symlink the installers made (node_modules/.bin) becomes a copy of what it
// points at when that is inside the layer; one leaving the layer is an error, so that
// nothing outside it reaches the zip.
func collect(root string) ([]zipwrite.File, error) {
	var files []zipwrite.File
	err := walkTree(root, walkOptions{display: "the built layer", follow: true, dangling: true}, func(p, r string, st os.FileInfo) (bool, error) {
		switch {
		case st.IsDir():
			if st.Name() == "__pycache__" {
				return false, nil
			}
			files = append(files, zipwrite.File{Name: r, Dir: true})
			return true, nil
		case st.Mode().IsRegular():
			if !strings.HasSuffix(st.Name(), ".pyc") {
				files = append(files, zipwrite.File{Name: r, Src: p, Exec: st.Mode()&0o111 != 0})
			}
		}
		return false, nil
	})
	return files, err
}

// write archives the layer next to Out, verifies it, and renames it into place.
func (b *builder) write() error {
	files, err := collect(b.layer)
	if err != nil {
		return err
	}
	nfiles := 0
	for _, f := range files {
		if !f.Dir {
			nfiles++
		}
	}
	if nfiles == 0 {
		return inputErr("%s has nothing to put in a layer", b.o.Src)
	}
	outDir := filepath.Dir(b.outAbs)
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	// The zip is written in a fresh folder beside Out (same file system, so the
	// rename is atomic) under Out's own name, so that findings name it as the user does.
	pending, err := os.MkdirTemp(outDir, ".layerkit-build-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(pending)
	tmpZip := filepath.Join(pending, filepath.Base(b.outAbs))
	f, err := os.OpenFile(tmpZip, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	h := sha256.New()
	cw := &countWriter{}
	stats, err := zipwrite.Write(io.MultiWriter(f, h, cw), files, zipwrite.Options{Modified: b.o.Modified})
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", b.o.Out, err)
	}
	res := b.res
	res.SHA256 = base64.StdEncoding.EncodeToString(h.Sum(nil))
	res.Zipped = cw.n
	for _, s := range stats {
		if !s.Dir {
			res.Files++
			res.Size += s.Size
		}
	}
	res.Packages = b.packages(stats)
	if err := b.ctx.Err(); err != nil {
		return err
	}
	if !b.o.NoVerify {
		if err := b.verify(tmpZip); err != nil {
			return err
		}
		res.Verified = true
		for _, f := range res.Findings {
			if f.Severity.String() == "error" {
				return ErrVerify
			}
		}
	}
	if err := b.ctx.Err(); err != nil {
		return err
	}
	if err := os.Rename(tmpZip, b.outAbs); err != nil {
		return err
	}
	res.Written = true
	return nil
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}

// packages sums the archive's entries per installed distribution or package, and per
// top-level name of the source's own code; largest first.
func (b *builder) packages(stats []zipwrite.Stat) []Package {
	owner := map[string]string{} // archive path → distribution label
	if b.rt.IsPython() {
		for _, site := range b.sitesIn() {
			prefix, err := filepath.Rel(b.layer, site)
			if err != nil {
				continue
			}
			prefix = filepath.ToSlash(prefix)
			for _, d := range installedDists(site) {
				label := strings.TrimSpace(d.name + " " + d.version)
				for _, f := range d.files {
					owner[path.Clean(prefix+"/"+f)] = label
				}
				owner[prefix+"/"+d.dir] = label // the .dist-info itself, RECORD or not
			}
		}
	}
	sums := map[string]*Package{}
	versions := map[string]string{}
	for _, s := range stats {
		if s.Dir {
			continue
		}
		label, own := b.ownerOf(s.Name, owner, versions)
		p := sums[label]
		if p == nil {
			p = &Package{Name: label, Own: own}
			sums[label] = p
		}
		p.Files++
		p.Size += s.Size
		p.Deflate += s.Compressed
	}
	out := make([]Package, 0, len(sums))
	for _, p := range sums {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Size != out[j].Size {
			return out[i].Size > out[j].Size
		}
		return out[i].Name < out[j].Name
	})
	return out
}

func (b *builder) ownerOf(name string, owner, versions map[string]string) (label string, own bool) {
	if l, ok := owner[name]; ok {
		return l, false
	}
	// a file inside a .dist-info folder that RECORD does not list
	parts := strings.Split(name, "/")
	for i := range parts {
		if l, ok := owner[strings.Join(parts[:i+1], "/")]; ok && strings.HasSuffix(parts[i], ".dist-info") {
			return l, false
		}
	}
	if b.rt.IsNode() {
		if i := indexOf(parts, "node_modules"); i >= 0 && i+1 < len(parts) {
			n := i + 2
			if strings.HasPrefix(parts[i+1], "@") && i+2 < len(parts) {
				n = i + 3
			}
			if n < len(parts) {
				dir := strings.Join(parts[:n], "/")
				v, ok := versions[dir]
				if !ok {
					v = packageVersion(filepath.Join(b.layer, filepath.FromSlash(dir)))
					versions[dir] = v
				}
				return strings.Join(parts[i+1:n], "/") + v, false
			}
		}
	}
	// own code: the first name under python/ (nodejs/), else at the layer root
	rest := parts
	if len(rest) > 1 && (rest[0] == "python" || rest[0] == "nodejs") {
		rest = rest[1:]
	}
	if len(rest) > 1 {
		return rest[0] + "/", true
	}
	return rest[0], true
}

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}
