//go:build unix

package hostile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The corpus has two halves. The small items are committed under testdata/hostile
// (written by writeCommitted; `LAYERKIT_WRITE_HOSTILE=1 go test -run TestWriteCorpus
// ./internal/hostile` rewrites them). The big ones, and what git cannot hold (FIFOs,
// symlink loops), are made at test time by the gen functions of the items in
// hostile_test.go.

// TestWriteCorpus regenerates the committed corpus when LAYERKIT_WRITE_HOSTILE is set.
func TestWriteCorpus(t *testing.T) {
	if os.Getenv("LAYERKIT_WRITE_HOSTILE") == "" {
		t.Skip("set LAYERKIT_WRITE_HOSTILE=1 to rewrite testdata/hostile")
	}
	writeCommitted(t, corpusDir)
}

// TestCorpusCommitted checks that testdata/hostile is what writeCommitted writes: the
// generator holds the committed files' text (with the reason for each hostile byte),
// and this keeps the two from drifting apart. Modes and times are not compared.
func TestCorpusCommitted(t *testing.T) {
	gen := filepath.Join(t.TempDir(), "hostile")
	writeCommitted(t, gen)
	contents := func(root string) map[string]entry {
		out := map[string]entry{}
		for p, e := range snapshot(t, root) {
			rel, err := filepath.Rel(root, p)
			if err != nil {
				t.Fatal(err)
			}
			if e.mode.IsDir() {
				e.size = 0 // a folder's size depends on the file system
			}
			out[rel] = entry{mode: e.mode.Type(), size: e.size, sum: e.sum}
		}
		return out
	}
	if diff := compare(contents(corpusDir), contents(gen)); diff != "" {
		t.Errorf("testdata/hostile is not what writeCommitted writes (LAYERKIT_WRITE_HOSTILE=1 go test -run TestWriteCorpus ./internal/hostile rewrites it): %s", diff)
	}
}

// writeFile writes name (slash-separated, below dir), making its folders.
func writeFile(t testing.TB, dir, name string, data []byte) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func mkdir(t testing.TB, p string) {
	t.Helper()
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
}

func symlink(t testing.TB, target, p string) {
	t.Helper()
	mkdir(t, filepath.Dir(p))
	if err := os.Symlink(target, p); err != nil {
		t.Fatal(err)
	}
}

func mkfifo(t testing.TB, p string) {
	t.Helper()
	mkdir(t, filepath.Dir(p))
	if err := syscall.Mkfifo(p, 0o644); err != nil {
		t.Fatal(err)
	}
}

// zent is one entry for makeZip.
type zent struct {
	name    string
	body    string
	mode    fs.FileMode // 0: a 0644 file
	nonUTF8 bool
	method  uint16
}

func makeZip(t testing.TB, entries ...zent) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: e.method, NonUTF8: e.nonUTF8}
		mode := e.mode
		if mode == 0 {
			mode = 0o644
		}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func deflate(t testing.TB, data []byte) []byte {
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(data)
	w.Close()
	return b.Bytes()
}

// deflateZeros compresses n zero bytes without holding them.
func deflateZeros(t testing.TB, n int64) []byte {
	var b bytes.Buffer
	w, err := flate.NewWriter(&b, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	chunk := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, int64(len(chunk)))
		w.Write(chunk[:k])
		n -= k
	}
	w.Close()
	return b.Bytes()
}

func crcZeros(n int64) uint32 {
	chunk := make([]byte, 1<<20)
	var c uint32
	for n > 0 {
		k := min(n, int64(len(chunk)))
		c = crc32.Update(c, crc32.IEEETable, chunk[:k])
		n -= k
	}
	return c
}

// rawEntry is a central-directory entry for rawZip: it may point at any local header
// and declare any size.
type rawEntry struct {
	name        string
	method      uint16
	crc         uint32
	csize       uint64
	usize       uint64
	localOffset uint64
}

// rawZip writes a zip64 archive by hand: the given local records (already encoded),
// then one central-directory record per entry (several may share a local record, as in
// an overlapping zip bomb). Sizes are always written in zip64 extra fields.
func rawZip(local []byte, entries []rawEntry) []byte {
	var b bytes.Buffer
	b.Write(local)
	cdStart := b.Len()
	le := binary.LittleEndian
	for _, e := range entries {
		var h [46]byte
		le.PutUint32(h[0:], 0x02014b50)
		le.PutUint16(h[4:], 3<<8|45) // made by Unix, version 4.5
		le.PutUint16(h[6:], 45)
		le.PutUint16(h[10:], e.method)
		le.PutUint32(h[16:], e.crc)
		le.PutUint32(h[20:], 0xffffffff)
		le.PutUint32(h[24:], 0xffffffff)
		le.PutUint16(h[28:], uint16(len(e.name)))
		le.PutUint16(h[30:], 28) // extra: zip64 with usize, csize, offset
		le.PutUint32(h[38:], 0o100644<<16)
		le.PutUint32(h[42:], 0xffffffff)
		b.Write(h[:])
		b.WriteString(e.name)
		var x [28]byte
		le.PutUint16(x[0:], 0x0001)
		le.PutUint16(x[2:], 24)
		le.PutUint64(x[4:], e.usize)
		le.PutUint64(x[12:], e.csize)
		le.PutUint64(x[20:], e.localOffset)
		b.Write(x[:])
	}
	cdEnd := b.Len()
	// zip64 end of central directory record and locator, then the classic record.
	var z [56]byte
	le.PutUint32(z[0:], 0x06064b50)
	le.PutUint64(z[4:], 44)
	le.PutUint16(z[12:], 45)
	le.PutUint16(z[14:], 45)
	le.PutUint64(z[24:], uint64(len(entries)))
	le.PutUint64(z[32:], uint64(len(entries)))
	le.PutUint64(z[40:], uint64(cdEnd-cdStart))
	le.PutUint64(z[48:], uint64(cdStart))
	b.Write(z[:])
	var loc [20]byte
	le.PutUint32(loc[0:], 0x07064b50)
	le.PutUint64(loc[8:], uint64(cdEnd))
	le.PutUint32(loc[16:], 1)
	b.Write(loc[:])
	var eocd [22]byte
	le.PutUint32(eocd[0:], 0x06054b50)
	le.PutUint16(eocd[8:], 0xffff)
	le.PutUint16(eocd[10:], 0xffff)
	le.PutUint32(eocd[12:], 0xffffffff)
	le.PutUint32(eocd[16:], 0xffffffff)
	b.Write(eocd[:])
	return b.Bytes()
}

// localRecord encodes a local file header (sizes in the zip64 extra) and its data.
func localRecord(name string, method uint16, crc uint32, usize uint64, data []byte) []byte {
	le := binary.LittleEndian
	var h [30]byte
	le.PutUint32(h[0:], 0x04034b50)
	le.PutUint16(h[4:], 45)
	le.PutUint16(h[8:], method)
	le.PutUint32(h[14:], crc)
	le.PutUint32(h[18:], 0xffffffff)
	le.PutUint32(h[22:], 0xffffffff)
	le.PutUint16(h[26:], uint16(len(name)))
	le.PutUint16(h[28:], 20)
	var b bytes.Buffer
	b.Write(h[:])
	b.WriteString(name)
	var x [20]byte
	le.PutUint16(x[0:], 0x0001)
	le.PutUint16(x[2:], 16)
	le.PutUint64(x[4:], usize)
	le.PutUint64(x[12:], uint64(len(data)))
	b.Write(x[:])
	b.Write(data)
	return b.Bytes()
}

const corpusReadme = `# Hostile and broken input

The corpus ` + "`go test ./internal/hostile`" + ` runs the layerkit binary over (README "Limits").
Every run must end by itself within 20 s with status 0, 1 or 2, print no Go crash, name the
file (and line, where there is one) when it exits 2, stay under 300 MB of peak RSS, and write
nothing: not here, not in HOME, the cache or TMPDIR.

Written by ` + "`LAYERKIT_WRITE_HOSTILE=1 go test -run TestWriteCorpus ./internal/hostile`" + `
(internal/hostile/corpus_test.go); do not edit by hand.

- zips/ (each tried as --function-zip, as a --layer beside zips/fn, and with inspect):
  .. names, absolute names, backslash names, symlink and FIFO entries, duplicate names and
  file/folder clashes, invalid UTF-8 and NUL names, an entry declaring 16 GiB (and one 2^62
  bytes), an entry inflating past its declared size, truncated archives, a central directory
  at a bad offset, a bad central-directory entry, a bad local-header offset, a lying entry
  count, zips inside a zip, not a zip, an empty file, only an end record.
- templates/: YAML alias and merge-key bombs, 10,000-deep flow nesting (YAML and JSON),
  150-deep intrinsics, cyclic Ref/Condition/FindInMap/DependsOn and nested stacks including
  themselves, wrong types everywhere (Layers: 5, Handler: [1], ...), Resources as a list,
  duplicate keys, unknown and exotic tags, an empty file, whitespace, several documents, binary
  files named template.yaml / template.json, NUL bytes, bad YAML, UTF-16; serverless.yml with
  variable cycles and wrong types; Terraform with cycles, wrong types, bad syntax, bad JSON,
  binary, values that double or fan out (beside a SAM app too), amplifying functions, code
  locations and a module outside the checked folder; exponential glob patterns (serverless package.patterns, archive_file excludes) over a
  40-deep tree; cdk.out manifests naming /dev/zero, /etc/passwd and themselves, wrong types,
  bad JSON.
- trees/: non-UTF-8 and NUL bytes in .py, METADATA, RECORD, top_level.txt and
  requirements.txt; .pth files naming /, themselves, their folder, 200 levels of ../ and
  running code.

Generated at test time (internal/hostile/gen_test.go), too big to commit or impossible in git:
zips/many-entries.zip (100,000 entries), zips/million-entries.zip (1,000,000 entries), zips/bomb.zip (honest entries inflating to 1 GiB and
60 MiB), zips/overlap-bomb.zip (2,000 entries sharing one 32 MiB stream: 64 GB declared),
FIFO, dangling and looping symlinks given as zips; templates/big (50 MB template.yaml),
templates/terraform-big (50 MB main.tf), templates/terraform-deep-tf, -deep-json and
-deep-tfvars (100,000 nested brackets), templates/terraform-locals-chain (30,000 chained
locals), templates/terraform-many-refs (one 200 KB string referenced 50,000 times), FIFOs named template.yaml, serverless.yml, main.tf
and cdk.out/manifest.json, a template.yaml symlink to itself; trees/symlinks (symlink loops,
links to /, /etc/passwd, /dev/zero, /proc/self/root and out of the tree), trees/unreadable
(FIFOs as modules, requirements.txt, .pth, METADATA, RECORD and a .so; dangling and looping
symlinks; a 0000 file and folder — tests run as root, who reads those anyway, so the FIFOs and
symlinks are what make files unreadable), trees/big-py (a 20 MB handler module with 50,000
imports), trees/many-files (50,000 files in a layer).
`

const appPy = "import json\nimport helper\n\n\ndef handler(event, context):\n    return helper.VALUE\n"

// writeCommitted writes the small, committed half of the corpus into dir.
func writeCommitted(t testing.TB, dir string) {
	t.Helper()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "README.md", []byte(corpusReadme))
	z := func(name string, data []byte) { writeFile(t, dir, "zips/"+name, data) }

	// A plain function folder, so that every hostile zip is also tried as a layer.
	writeFile(t, dir, "zips/fn/app.py", []byte("import layered\n\n\ndef handler(event, context):\n    return layered\n"))

	z("dotdot.zip", makeZip(t,
		zent{name: "app.py", body: appPy},
		zent{name: "../helper.py", body: "VALUE = 1\n"},
		zent{name: "python/../../layered.py", body: "evil = 1\n"},
		zent{name: "python/../../../../../../../../tmp/layerkit-hostile-escape.py", body: "evil = 1\n"},
		zent{name: "./python/./helper.py", body: "VALUE = 2\n"},
	))
	z("absolute.zip", makeZip(t,
		zent{name: "/app.py", body: appPy},
		zent{name: "/etc/passwd", body: "root:x:0:0::/root:/bin/sh\n"},
		zent{name: "//python/layered.py", body: "x = 1\n"},
		zent{name: "helper.py", body: "VALUE = 1\n"},
	))
	z("backslash.zip", makeZip(t,
		zent{name: `app.py`, body: appPy},
		zent{name: `python\layered.py`, body: "x = 1\n"},
		zent{name: `..\..\helper.py`, body: "VALUE = 1\n"},
		zent{name: `C:\Windows\helper.py`, body: "VALUE = 1\n"},
		zent{name: `python/lib\python3.12/site-packages/x.py`, body: ""},
	))
	z("symlink.zip", makeZip(t,
		zent{name: "app.py", body: "/etc/passwd", mode: fs.ModeSymlink | 0o777},
		zent{name: "helper.py", body: "../../../../etc/passwd", mode: fs.ModeSymlink | 0o777},
		zent{name: "python", body: "/", mode: fs.ModeSymlink | 0o777},
		zent{name: "python/layered.py", body: "x = 1\n"},
		zent{name: "loop", body: "loop", mode: fs.ModeSymlink | 0o777},
		zent{name: "dev", body: "", mode: fs.ModeNamedPipe | 0o644},
	))
	z("duplicate.zip", makeZip(t,
		zent{name: "app.py", body: appPy},
		zent{name: "app.py", body: "import nothing_here\n"},
		zent{name: "helper.py", body: "VALUE = 1\n"},
		zent{name: "helper.py/", mode: fs.ModeDir | 0o755},
		zent{name: "python/layered.py", body: "x = 1\n"},
		zent{name: "python/layered.py", body: "x = 2\n"},
		zent{name: "python/layered.py/__init__.py", body: "x = 3\n"},
		zent{name: "python/", mode: fs.ModeDir | 0o000},
	))
	z("bad-utf8.zip", makeZip(t,
		zent{name: "app.py", body: appPy},
		zent{name: "\xff\xfe.py", body: "x = 1\n", nonUTF8: true},
		zent{name: "python/\xc3(layered.py", body: "x = 1\n", nonUTF8: true},
		zent{name: "helper\x00.py", body: "VALUE = 1\n"},
		zent{name: "python/la\u0301yered.py", body: "x = 1\n"},
		zent{name: "python/\xed\xa0\x80.dist-info/METADATA", body: "Name: \xff\nVersion: \xfe\n", nonUTF8: true},
	))

	// An entry declaring 16 GiB (a zip bomb by its header) with a few bytes of data,
	// and one honest entry beside it.
	small := deflate(t, []byte("VALUE = 1\n"))
	var local bytes.Buffer
	local.Write(localRecord("helper.py", zip.Deflate, crc32.ChecksumIEEE([]byte("VALUE = 1\n")), 10, small))
	off2 := uint64(local.Len())
	local.Write(localRecord("app.py", zip.Deflate, crc32.ChecksumIEEE([]byte(appPy)), 16<<30, small))
	z("declared-huge.zip", rawZip(local.Bytes(), []rawEntry{
		{name: "helper.py", method: zip.Deflate, crc: crc32.ChecksumIEEE([]byte("VALUE = 1\n")), csize: uint64(len(small)), usize: 10},
		{name: "app.py", method: zip.Deflate, crc: 0, csize: uint64(len(small)), usize: 16 << 30, localOffset: off2},
		{name: "python/layered.py", method: zip.Deflate, crc: 0, csize: uint64(len(small)), usize: 1 << 62, localOffset: off2},
	}))

	// An entry declaring 10 bytes that inflates to 1 MiB.
	zeros := deflate(t, make([]byte, 1<<20))
	local.Reset()
	local.Write(localRecord("app.py", zip.Deflate, 0, 10, zeros))
	z("inflates-past-declared.zip", rawZip(local.Bytes(), []rawEntry{
		{name: "app.py", method: zip.Deflate, csize: uint64(len(zeros)), usize: 10},
		{name: "python/layered.py", method: zip.Deflate, csize: uint64(len(zeros)), usize: 10},
		{name: "helper.py", method: zip.Store, csize: uint64(len(zeros)), usize: uint64(len(zeros))},
	}))

	good := makeZip(t,
		zent{name: "app.py", body: appPy, method: zip.Deflate},
		zent{name: "helper.py", body: "VALUE = 1\n", method: zip.Deflate},
		zent{name: "python/layered.py", body: strings.Repeat("x = 1\n", 200), method: zip.Deflate},
	)
	z("truncated.zip", good[:len(good)/2])
	z("truncated-tail.zip", good[:len(good)-10])

	// The central directory's offset points past the end of the file.
	bad := bytes.Clone(good)
	eocd := bytes.LastIndex(bad, []byte("PK\x05\x06"))
	binary.LittleEndian.PutUint32(bad[eocd+16:], 0x7fffffff)
	z("bad-central-dir-offset.zip", bad)
	// Central-directory records with garbage: a name length running past the end, and
	// a local header offset past the end.
	bad = bytes.Clone(good)
	cd := bytes.Index(bad, []byte("PK\x01\x02"))
	binary.LittleEndian.PutUint16(bad[cd+28:], 0xffff)
	z("bad-central-dir-entry.zip", bad)
	bad = bytes.Clone(good)
	cd = bytes.Index(bad, []byte("PK\x01\x02"))
	binary.LittleEndian.PutUint32(bad[cd+42:], 0x7ffffff0)
	z("bad-local-offset.zip", bad)
	// The end record claims 65535 entries and a central directory of 4 GiB.
	bad = bytes.Clone(good)
	eocd = bytes.LastIndex(bad, []byte("PK\x05\x06"))
	binary.LittleEndian.PutUint16(bad[eocd+8:], 0xffff)
	binary.LittleEndian.PutUint16(bad[eocd+10:], 0xffff)
	binary.LittleEndian.PutUint32(bad[eocd+12:], 0xfffffff0)
	z("bad-entry-count.zip", bad)

	// A zip inside a zip: Lambda does not unpack inner archives.
	inner := makeZip(t, zent{name: "helper.py", body: "VALUE = 1\n"}, zent{name: "python/layered.py", body: "x = 1\n"})
	z("zip-in-zip.zip", makeZip(t,
		zent{name: "app.py", body: appPy},
		zent{name: "helper.zip", body: string(inner)},
		zent{name: "python.zip", body: string(inner)},
		zent{name: "python/layered.zip", body: string(inner)},
	))
	z("not-a-zip.zip", []byte("this is not a zip archive\n"))
	z("empty.zip", nil)
	z("only-end-record.zip", []byte("PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))

	tpl := func(item, name, body string) { writeFile(t, dir, "templates/"+item+"/"+name, []byte(body)) }
	src := func(item string) {
		writeFile(t, dir, "templates/"+item+"/src/app.py", []byte(appPy))
		writeFile(t, dir, "templates/"+item+"/src/helper.py", []byte("VALUE = 1\n"))
	}

	// Billion laughs: nine levels of ten aliases each.
	var bomb strings.Builder
	bomb.WriteString("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n")
	bomb.WriteString("Metadata:\n  a0: &a0 [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
	for i := 1; i <= 9; i++ {
		p := fmt.Sprintf("*a%d", i-1)
		fmt.Fprintf(&bomb, "  a%d: &a%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(p+",", 10), ","))
	}
	bomb.WriteString("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n      Layers: *a9\n")
	tpl("alias-bomb", "template.yaml", bomb.String())
	src("alias-bomb")
	// The same bomb reached through merge keys.
	var merge strings.Builder
	merge.WriteString("Globals:\n  Function: &g0\n    Runtime: python3.12\n")
	for i := 1; i <= 30; i++ {
		fmt.Fprintf(&merge, "  G%d: &g%d\n    <<: [*g%d, *g%d]\n    K%d: x\n", i, i, i-1, i-1, i)
	}
	merge.WriteString("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      <<: *g30\n      CodeUri: src/\n      Handler: app.handler\n")
	tpl("merge-bomb", "template.yaml", merge.String())
	src("merge-bomb")

	deep := 10000
	tpl("deep-flow", "template.yaml", "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Layers: "+
		strings.Repeat("[", deep)+strings.Repeat("]", deep)+"\n")
	tpl("deep-map", "template.yaml", "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Environment: "+
		strings.Repeat("{a: ", deep)+"1"+strings.Repeat("}", deep)+"\n")
	tpl("deep-json", "template.json", `{"Resources": {"Fn": {"Type": "AWS::Serverless::Function", "Properties": {"Handler": `+
		strings.Repeat(`{"Fn::Join": ["", [`, deep)+`"x"`+strings.Repeat("]]}", deep)+"}}}}\n")
	tpl("deep-intrinsics", "template.yaml", "Parameters:\n  P:\n    Type: String\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Runtime: python3.12\n      Handler: "+
		strings.Repeat("!Sub [\"${x}\", {x: ", 150)+"app.handler"+strings.Repeat("}]", 150)+"\n")
	src("deep-intrinsics")

	tpl("cyclic-refs", "template.yaml", `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  P:
    Type: String
    Default: !Ref P
Conditions:
  A: !Condition B
  B: !And [!Condition A, !Condition A]
  C: !Not [!Condition C]
  D: !Equals [!Ref P, !If [D, x, y]]
Mappings:
  M:
    K:
      V: !FindInMap [M, K, V]
Globals:
  Function:
    Layers: [!Ref L1, !GetAtt Fn.Arn]
    Runtime: !If [A, python3.12, !Ref P]
Resources:
  L1:
    Type: AWS::Serverless::LayerVersion
    DependsOn: L2
    Properties:
      ContentUri: !Sub "${L2}"
  L2:
    Type: AWS::Lambda::LayerVersion
    DependsOn: [L1, L2]
    Properties:
      Content: {S3Bucket: !Ref L1, S3Key: !GetAtt L2.Arn}
  Fn:
    Type: AWS::Serverless::Function
    DependsOn: Fn
    Condition: C
    Properties:
      CodeUri: !If [D, src/, !Ref Fn]
      Handler: !Sub "${Fn}.handler"
      Runtime: python3.12
      Layers:
        - !Ref L2
        - !Ref Fn
        - !GetAtt L1.Arn
        - !If [A, !Ref L1, !Ref L2]
        - !Select [0, [!Ref L1]]
  Self:
    Type: AWS::Serverless::Application
    Properties:
      Location: template.yaml
  Child:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: child/template.yaml
`)
	tpl("cyclic-refs", "child/template.yaml", `Resources:
  Parent:
    Type: AWS::Serverless::Application
    Properties:
      Location: ../template.yaml
  Again:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./template.yaml
`)
	src("cyclic-refs")

	tpl("wrong-types", "template.yaml", `Transform: [AWS::Serverless-2016-10-31, 5, {a: b}]
Globals: [1, 2]
Parameters: 7
Conditions: [x]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: 7
      Handler: [1]
      Runtime: {python: 3.12}
      Layers: 5
      Architectures: arm64
      Environment: 7
      MemorySize: lots
  Fn2:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: [src/]
      Handler: !Ref [a, b, c]
      Runtime: [python3.12]
      Layers: [5, [1], {Ref: {a: b}}, null, !GetAtt 7, "arn:aws:lambda:us-east-1:123456789012:layer:x"]
      Architectures: [arm64, x86_64, 5]
  Fn3:
    Type: AWS::Lambda::Function
    Properties: not a mapping
  Fn4:
    Type: [AWS::Lambda::Function]
  Fn5:
  Fn6: 12
  L:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: {Bucket: b, Key: 5}
    Metadata:
      BuildMethod: [python3.12]
  L2:
    Type: AWS::Lambda::LayerVersion
    Properties:
      Content: 5
      CompatibleRuntimes: python3.12
  App:
    Type: AWS::Serverless::Application
    Properties:
      Location: {ApplicationId: 5}
  Stack:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: [x]
`)
	src("wrong-types")
	tpl("resources-list", "template.yaml", "Resources:\n  - 1\n  - 2\n")
	tpl("top-level-list", "template.yaml", "- Resources\n- 1\n")
	tpl("duplicate-keys", "template.yaml", "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n  Fn:\n    Type: AWS::Serverless::Function\n")
	tpl("unknown-tags", "template.yaml", `%TAG !e! tag:example.com,2000:
---
Transform: !Transform AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: !e!Function AWS::Serverless::Function
    Properties:
      CodeUri: !!binary aGVsbG8=
      Handler: !Foo app.handler
      Runtime: !!timestamp 2001-12-14t21:59:43.10-05:00
      Layers:
        - !Ref {a: b}
        - !GetAtt []
        - !Sub {x: y}
        - !ImportValue [1, 2]
        - !Base64 !Base64 !Base64 x
        - !!python/object:os.system ls
        - !<tag:yaml.org,2002:str> arn:aws:lambda:us-east-1:123456789012:layer:x:1
        - !Unknown
`)
	src("unknown-tags")
	tpl("empty", "template.yaml", "")
	tpl("whitespace", "template.yaml", " \n\t\n\r\n")
	tpl("null-document", "template.yaml", "---\n...\n---\nResources: {}\n")
	rng := rand.New(rand.NewPCG(6, 6))
	binBytes := make([]byte, 64<<10)
	for i := range binBytes {
		binBytes[i] = byte(rng.UintN(256))
	}
	tpl("binary", "template.yaml", string(binBytes))
	tpl("binary-json", "template.json", "\x00\x01{\"Resources\": \xff\xfe}")
	tpl("nul-in-yaml", "template.yaml", "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\x00\n    Properties:\n      Handler: app.handler\n")
	tpl("bad-yaml", "template.yaml", "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: [app.handler\n      Runtime: python3.12\n")
	tpl("utf16", "template.yaml", "\xff\xfeR\x00e\x00s\x00o\x00u\x00r\x00c\x00e\x00s\x00:\x00 \x00{\x00}\x00\n\x00")

	tpl("serverless-cycles", "serverless.yml", `service: ${self:service}
frameworkVersion: '3'
custom:
  a: ${self:custom.b}
  b: ${self:custom.a}
  c: ${self:custom.c, ${self:custom.c}}
  d: ${file(./serverless.yml):custom.d}
  e: ${file(./other.yml)}
  f: ${env:${self:custom.f}}
  g: ${opt:${opt:${opt:${opt:${opt:x}}}}}
  h: ${self:custom.h}${self:custom.h}${self:custom.h}${self:custom.h}
provider:
  name: aws
  runtime: ${self:custom.a}
  layers: ${self:provider.layers}
layers:
  base:
    path: ${self:layers.base.path}
functions:
  f:
    handler: ${self:functions.f.handler}
    layers:
      - {Ref: BaseLambdaLayer}
      - ${self:custom.h}
      - ${self:functions.f.layers}
  g:
    handler: src/app.handler
    runtime: python3.12
    layers: ${self:functions}
`)
	tpl("serverless-cycles", "other.yml", "x: ${file(./serverless.yml)}\ny: ${file(./other.yml)}\n")
	src("serverless-cycles")
	tpl("serverless-wrong-types", "serverless.yml", `service: [1]
provider: 5
layers: [a, b]
package: 7
functions:
  f: 5
  g:
    handler: [1]
    runtime: {a: b}
    layers: 5
    package: [x]
  h:
    handler: src/app.handler
    runtime: python3.12
    layers: [5, [1], {a: b}, null]
    package:
      patterns: 7
      artifact: [x]
    module: {x: 1}
  "":
    handler: ""
`)
	src("serverless-wrong-types")

	// Glob patterns that backtrack exponentially in a naive matcher, over a deep tree.
	globBomb := strings.Repeat("**/a/", 12) + "b"
	deepFile := strings.Repeat("a/", 40) + "a.py"
	tpl("serverless-glob-bomb", "serverless.yml", "service: s\nprovider:\n  name: aws\n  runtime: python3.12\npackage:\n  patterns:\n    - '!"+globBomb+"'\n    - '"+globBomb+"/**'\nfunctions:\n  f:\n    handler: src/app.handler\n    package:\n      patterns: ['!"+globBomb+"', '{a,{b,{c,{d,{e,{f,{g,{h,{i,j}}}}}}}}}/**']\n")
	tpl("serverless-glob-bomb", deepFile, "x = 1\n")
	src("serverless-glob-bomb")
	tpl("terraform-glob-bomb", "main.tf", `resource "aws_lambda_function" "f" {
  handler  = "app.handler"
  runtime  = "python3.12"
  filename = data.archive_file.a.output_path
}
data "archive_file" "a" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "build/a.zip"
  excludes    = ["`+globBomb+`", "**/**/**/**/**/**/**/**/**/**/**/**/**/**/x"]
}
`)
	tpl("terraform-glob-bomb", "src/"+deepFile, "x = 1\n")
	src("terraform-glob-bomb")

	tpl("terraform-cycles", "main.tf", `locals {
  a = local.b
  b = local.a
  c = "${local.c}x"
  d = [for x in local.d : x]
}
variable "v" {
  default = var.v
}
module "self" {
  source = "./"
}
module "up" {
  source = "../terraform-cycles"
}
resource "aws_lambda_layer_version" "l" {
  layer_name = "l"
  filename   = aws_lambda_layer_version.l.arn
}
resource "aws_lambda_function" "f" {
  function_name = local.a
  handler       = "app.handler"
  runtime       = local.c
  filename      = data.archive_file.a.output_path
  layers        = [aws_lambda_layer_version.l.arn, aws_lambda_function.f.arn, module.self.x]
  depends_on    = [aws_lambda_function.f]
}
data "archive_file" "a" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = data.archive_file.a.output_path
}
`)
	src("terraform-cycles")
	tpl("terraform-wrong-types", "main.tf", `resource "aws_lambda_function" "f" {
  function_name = 5
  handler       = [1]
  runtime       = { a = "b" }
  filename      = 7
  layers        = 5
  architectures = "arm64"
}
resource "aws_lambda_function" "g" {
  handler  = "app.handler"
  runtime  = "python3.12"
  filename = ["x.zip"]
  layers   = [5, [1], { a = 1 }, null]
  source_code_hash = filebase64sha256("/dev/zero")
}
resource "aws_lambda_function" {
}
data "archive_file" "a" {
  type        = 5
  source_file = ["x"]
  source_dir  = { a = 1 }
  output_path = null
  excludes    = 5
}
module "m" {
  source = 5
}
module "n" {
  source = "/"
}
`)
	src("terraform-wrong-types")
	tpl("terraform-bad-syntax", "main.tf", "resource \"aws_lambda_function\" \"f\" {\n  handler = \"app.handler\"\n  runtime = \n}\n")
	tpl("terraform-bad-json", "main.tf.json", "{\"resource\": {\"aws_lambda_function\": [1, 2, {\"f\": 5}]}, \"locals\": \x00}")
	tpl("terraform-binary", "main.tf", string(binBytes[:4096]))
	writeTerraformCommitted(t, dir)

	tpl("cdk-escape", "cdk.out/manifest.json", `{"version": "36.0.0", "artifacts": {
  "A": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "../../../../../../../../../../../../dev/zero"}},
  "B": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "/etc/passwd"}},
  "C": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "."}},
  "D": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "../cdk.out"}}
}}
`)
	tpl("cdk-cycles", "cdk.out/manifest.json", `{"version": "36.0.0", "artifacts": {
  "Self": {"type": "cdk:cloud-assembly", "properties": {"directoryName": "."}},
  "Up": {"type": "cdk:cloud-assembly", "properties": {"directoryName": ".."}},
  "Stack": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "Stack.template.json"}}
}}
`)
	tpl("cdk-cycles", "cdk.out/Stack.template.json", `{"Resources": {
  "L": {"Type": "AWS::Lambda::LayerVersion", "Properties": {"Content": {"S3Bucket": {"Fn::ImportValue": "L"}, "S3Key": "k"}}},
  "F": {"Type": "AWS::Lambda::Function", "Metadata": {"aws:asset:path": "../../../../../../..", "aws:asset:property": "Code"},
        "Properties": {"Handler": "app.handler", "Runtime": "python3.12", "Code": {"S3Bucket": "b", "S3Key": "k"},
                       "Layers": [{"Ref": "L"}, {"Fn::ImportValue": "L"}, {"Ref": "F"}]}}}}
`)
	tpl("cdk-wrong-types", "cdk.out/manifest.json", `{"version": 5, "artifacts": {"A": {"type": ["x"], "properties": 5}, "B": 7, "C": {"type": "aws:cloudformation:stack", "properties": {"templateFile": 5}}}}`)
	tpl("cdk-bad-json", "cdk.out/manifest.json", "{\"version\": \"36.0.0\",\n \"artifacts\": {\n  \"A\": {\"type\": \"aws:cloudformation:stack\",,}\n}}\n")

	// Source trees.
	tr := func(item, name string, body []byte) { writeFile(t, dir, "trees/"+item+"/"+name, body) }
	tr("non-utf8", "template.yaml", []byte(samFn))
	tr("non-utf8", "src/app.py", []byte("# -*- coding: latin-1 -*-\nimport helper\nimport caf\xe9\nfrom \xff\xfe import x\nimport mod\x00ule\nx = '\x00\x00'\nimport \xef\xbb\xbfbom\n\xef\xbb\xbfimport json\nimport a\rimport b\r\n\"\"\"unterminated\n"))
	tr("non-utf8", "src/helper.py", []byte("\xef\xbb\xbfVALUE = 1\n\x00\x00\x00"))
	// src/caf\xe9.py, a file name that is not UTF-8, is generated (genNonUTF8Name): a
	// module zip cannot hold it, so committed it would break `go install …@latest`.
	tr("non-utf8", "layer/python/layered.py", []byte("\xff\xfe\xfd"))
	tr("non-utf8", "layer/python/x-1.0.dist-info/METADATA", []byte("Name: \xff\x00\nVersion: \xfe\nRequires-Dist: \x00; python_version < \"\xff\"\n"))
	tr("non-utf8", "layer/python/x-1.0.dist-info/RECORD", []byte("\xff,\x00,\n\"\xfe\n"))
	tr("non-utf8", "layer/python/x-1.0.dist-info/top_level.txt", []byte("\xff\n\x00\n"))
	tr("non-utf8", "src/requirements.txt", []byte("\xff\xfe\nreq\x00uests==1\n-r requirements.txt\n-r ../../../../../../etc/passwd\n"))

	tr("pth", "template.yaml", []byte(samFn))
	tr("pth", "src/app.py", []byte(appPy))
	tr("pth", "src/helper.pth", []byte("/\n.\n..\n../../../../../../..\n/opt/python\n/opt\n/var/task\nhelper.pth\n"))
	tr("pth", "layer/python/root.pth", []byte("/\n/opt/python\n/opt/python/root.pth\nroot.pth\n.\n./\n"+strings.Repeat("../", 200)+"\nimport os; os.environ.setdefault('LAYERKIT_PTH', '1')\nimport root\n"))
	tr("pth", "layer/python/lib/python3.12/site-packages/self.pth", []byte(".\n/opt/python/lib/python3.12/site-packages\n/opt/python/lib/python3.12/site-packages/self.pth\n\x00\n"+strings.Repeat("a/", 5000)+"\n"))
	tr("pth", "layer/python/lib/python3.12/site-packages/helper.py", []byte("VALUE = 1\n"))
	writeCommittedEval(t, dir) // eval_test.go
}
