package tree

import (
	"archive/zip"
	"bytes"
	"cmp"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// benchNames returns n file names spread over packages two levels deep, like a
// site-packages folder.
func benchNames(n int) []string {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("python/pkg%03d/sub%d/mod%04d.py", i/50, i%5, i)
	}
	return names
}

func BenchmarkDirStat(b *testing.B) {
	root := b.TempDir()
	names := benchNames(2000)
	files := map[string]string{}
	for _, n := range names {
		files[n] = "x = 1\n"
	}
	writeFiles(b, root, files)
	tr, err := Dir(root, "")
	if err != nil {
		b.Fatal(err)
	}
	for _, n := range names { // warm the cache: the resolver asks again and again
		if !IsFile(tr, n) {
			b.Fatal(n)
		}
	}
	misses := make([]string, len(names))
	for i, n := range names {
		misses[i] = n + "c" // same folder, missing file: the common probe
	}
	b.Run("hit", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := tr.Stat(names[i%len(names)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("miss", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := tr.Stat(misses[i%len(misses)]); err == nil {
				b.Fatal("found")
			}
			i++
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			i := 0
			for pb.Next() {
				tr.Stat(names[i%len(names)])
				i++
			}
		})
	})
	b.Run("cold", func(b *testing.B) { // first touch: list 200 folders from disk
		for b.Loop() {
			tr, _ := Dir(root, "")
			for _, n := range names {
				tr.Stat(n)
			}
		}
	})
}

// BenchmarkDirReadFile reads files from a folder along each path DirTree has (on
// Linux: openat2, and os.Root as when openat2 is missing): "read" one file of a listed
// folder, "cold" a new tree listing 40 folders and reading their 200 files.
func BenchmarkDirReadFile(b *testing.B) {
	root := b.TempDir()
	names := benchNames(200)
	files := map[string]string{}
	for i, n := range names {
		files[n] = strings.Repeat("import os\n", 50+i%200)
	}
	writeFiles(b, root, files)
	for _, p := range dirPaths {
		b.Run(p.name, func(b *testing.B) {
			defer p.set()()
			tr, err := Dir(root, "")
			if err != nil {
				b.Fatal(err)
			}
			for _, n := range names {
				if !IsFile(tr, n) {
					b.Fatal(n)
				}
			}
			b.Run("read", func(b *testing.B) {
				i := 0
				for b.Loop() {
					if _, err := tr.ReadFile(names[i%len(names)]); err != nil {
						b.Fatal(err)
					}
					i++
				}
			})
			b.Run("cold", func(b *testing.B) {
				for b.Loop() {
					tr, _ := Dir(root, "")
					for _, n := range names {
						if _, err := tr.ReadFile(n); err != nil {
							b.Fatal(err)
						}
					}
				}
			})
		})
	}
}

func BenchmarkZipIndex(b *testing.B) {
	names := benchNames(5000)
	entries := make([]zipEntry, len(names))
	for i, n := range names {
		entries[i] = zipEntry{name: n, body: "import os\n"}
	}
	data := buildZip(b, entries...)
	path := filepath.Join(b.TempDir(), "deps.zip")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Logf("archive: %d entries, %d bytes", len(names), len(data))
	b.Run("open", func(b *testing.B) {
		for b.Loop() {
			z, err := Zip(path, "deps.zip")
			if err != nil {
				b.Fatal(err)
			}
			z.Close()
		}
	})
	b.Run("bytes", func(b *testing.B) {
		for b.Loop() {
			if _, err := ZipBytes(data, "deps.zip"); err != nil {
				b.Fatal(err)
			}
		}
	})
	z, err := Zip(path, "deps.zip")
	if err != nil {
		b.Fatal(err)
	}
	defer z.Close()
	b.Run("stat", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := z.Stat(names[i%len(names)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("readfile", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := z.ReadFile(names[i%len(names)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
}

// BenchmarkZipIndexLayer: the central directory of a large layer (a data-science stack:
// 20,000 entries under python/lib/python3.11/site-packages, a few levels deep, no folder
// entries, a dist-info folder per package), as Zip and ZipBytes read it, and what
// archive/zip alone takes.
func BenchmarkZipIndexLayer(b *testing.B) {
	const sp = "python/lib/python3.11/site-packages/"
	var entries []zipEntry
	for p := 0; len(entries) < 20000; p++ {
		pkg := fmt.Sprintf("pkg%03d", p)
		for _, f := range []string{"METADATA", "RECORD", "WHEEL", "top_level.txt"} {
			entries = append(entries, zipEntry{name: sp + pkg + "-1.0.dist-info/" + f})
		}
		entries = append(entries, zipEntry{name: sp + pkg + "/__init__.py"})
		for m := 0; m < 150; m++ { // in name order, as most archivers store them
			entries = append(entries, zipEntry{name: fmt.Sprintf("%s%s/sub%d/mod_%03d.py", sp, pkg, m/20, m)})
		}
	}
	data := buildZip(b, entries...)
	path := filepath.Join(b.TempDir(), "sci.zip")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.Run("open", func(b *testing.B) {
		for b.Loop() {
			z, err := Zip(path, "sci.zip")
			if err != nil {
				b.Fatal(err)
			}
			z.Close()
		}
	})
	b.Run("bytes", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ZipBytes(data, "sci.zip"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("reader", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := zip.NewReader(bytes.NewReader(data), int64(len(data))); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// benchOverlay returns an overlay of five layers (Lambda's maximum), each a zip of
// 1,000 of the names, and the names.
func benchOverlay(b *testing.B) (*Overlay, []string) {
	names := benchNames(5000)
	layers := make([]Tree, 5)
	for l := range layers {
		var entries []zipEntry
		for _, n := range names[l*1000 : (l+1)*1000] {
			entries = append(entries, zipEntry{name: n, body: "x"})
		}
		z, err := ZipBytes(buildZip(b, entries...), fmt.Sprint("layer", l))
		if err != nil {
			b.Fatal(err)
		}
		layers[l] = z
	}
	return NewOverlay(layers), names
}

// BenchmarkOverlayStat: five layers (Lambda's maximum), each a zip of 1,000 files.
func BenchmarkOverlayStat(b *testing.B) {
	o, names := benchOverlay(b)
	i := 0
	for b.Loop() {
		if _, err := o.Stat(names[i%len(names)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkOverlayLookup: what the resolver and the rules ask of /opt for every
// function (five zip layers of 1,000 files each): Stat of present and missing names,
// ReadDir of folders, Owner, and a Walk of the whole overlay.
func BenchmarkOverlayLookup(b *testing.B) {
	o, names := benchOverlay(b)
	dirs := map[string]bool{}
	for _, n := range names {
		dirs[path.Dir(n)] = true
	}
	var dirList []string
	for d := range dirs {
		dirList = append(dirList, d)
	}
	b.Run("stat-miss", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := o.Stat(names[i%len(names)] + "c"); err == nil {
				b.Fatal("found")
			}
			i++
		}
	})
	b.Run("readdir", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := o.ReadDir(dirList[i%len(dirList)]); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("owner", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if o.Owner(names[i%len(names)]) < 0 {
				b.Fatal("no owner")
			}
			i++
		}
	})
	b.Run("walk", func(b *testing.B) {
		for b.Loop() {
			n := 0
			_ = Walk(o, "", func(string, Info) error { n++; return nil })
			if n < len(names) {
				b.Fatal(n)
			}
		}
	})
}

// BenchmarkZipWalk: Walk over a 20,000-entry layer's index (LK402's sum by package,
// native.Find), which makes no listing and no name.
func BenchmarkZipWalk(b *testing.B) {
	var entries []zipEntry
	for i := range 20000 {
		entries = append(entries, zipEntry{name: fmt.Sprintf("python/lib/python3.11/site-packages/pkg%03d/sub%d/mod_%05d.py", i/150, i%7, i)})
	}
	z, err := ZipBytes(buildZip(b, entries...), "sci.zip")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		Walk(z, "", func(string, Info) error { n++; return nil })
	}
}

// BenchmarkZipReadFile reads (inflates, checks) every entry of the zip at
// $TREE_BENCH_ZIP whose name ends in $TREE_BENCH_SUFFIX (default ".py"), e.g. a
// bench/gen layer; it is skipped when the variable is unset. Throughput is over the
// inflated bytes.
func BenchmarkZipReadFile(b *testing.B) {
	zpath := os.Getenv("TREE_BENCH_ZIP")
	if zpath == "" {
		b.Skip("TREE_BENCH_ZIP not set")
	}
	suffix := cmp.Or(os.Getenv("TREE_BENCH_SUFFIX"), ".py")
	zr, err := zip.OpenReader(zpath)
	if err != nil {
		b.Fatal(err)
	}
	var names []string
	var size int64
	for _, f := range zr.File {
		if strings.HasSuffix(f.Name, suffix) {
			names = append(names, f.Name)
			size += int64(f.UncompressedSize64)
		}
	}
	zr.Close()
	z, err := Zip(zpath, "layer.zip")
	if err != nil {
		b.Fatal(err)
	}
	defer z.Close()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range names {
			if _, err := z.ReadFile(n); err != nil {
				b.Fatal(err)
			}
		}
	}
}
