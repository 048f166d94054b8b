//go:build unix

package hostile

import (
	"archive/zip"
	"bufio"
	"bytes"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The generated half of the corpus: items too big to commit, and what git cannot hold.

const samFn = `AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Layers: [!Ref Layer]
  Layer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer/
`

// genEntries: n tiny entries (100,000; 1,000,000: the index of the central directory
// must stay compact, README "Limits").
func genEntries(n int) func(t testing.TB, p string) {
	return func(t testing.TB, p string) { genManyEntries(t, p, n) }
}

func genManyEntries(t testing.TB, p string, n int) {
	mkdir(t, filepath.Dir(p))
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriter(f)
	zw := zip.NewWriter(bw)
	add := func(name, body string) {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	add("app.py", appPy)
	add("helper.py", "VALUE = 1\n")
	add("python/layered.py", "from pkg7 import m7\n")
	for i := range n {
		add(fmt.Sprintf("python/pkg%d/m%d.py", i%100, i), "x = 1\n")
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
}

// genBomb: honest entries that inflate to 1 GiB (over the read cap) and to 60 MiB
// (under it), one of them a .so file inspect analyses.
func genBomb(t testing.TB, p string) {
	var local bytes.Buffer
	var entries []rawEntry
	add := func(name string, usize int64, data []byte, crc uint32, method uint16) {
		entries = append(entries, rawEntry{name: name, method: method, crc: crc, csize: uint64(len(data)), usize: uint64(usize), localOffset: uint64(local.Len())})
		local.Write(localRecord(name, method, crc, uint64(usize), data))
	}
	add("app.py", int64(len(appPy)+len("import bomb\n")), []byte(appPy+"import bomb\n"), crcOf(appPy+"import bomb\n"), zip.Store)
	add("helper.py", 10, []byte("VALUE = 1\n"), crcOf("VALUE = 1\n"), zip.Store)
	add("bomb.py", 1<<30, deflateZeros(t, 1<<30), crcZeros(1<<30), zip.Deflate)
	add("python/layered.py", 60<<20, deflateZeros(t, 60<<20), crcZeros(60<<20), zip.Deflate)
	add("python/lib/python3.12/site-packages/zero.cpython-312-x86_64-linux-gnu.so", 60<<20, deflateZeros(t, 60<<20), crcZeros(60<<20), zip.Deflate)
	writeFile(t, filepath.Dir(p), filepath.Base(p), rawZip(local.Bytes(), entries))
}

// genOverlapBomb: 2,000 central-directory entries sharing one 32 MiB local record
// (64 GB declared in a small file), named as extension modules and as .py files.
func genOverlapBomb(t testing.TB, p string) {
	var local bytes.Buffer
	local.Write(localRecord("app.py", zip.Store, crcOf(appPy), uint64(len(appPy)), []byte(appPy)))
	local.Write(localRecord("helper.py", zip.Store, crcOf("VALUE = 1\n"), 10, []byte("VALUE = 1\n")))
	off := uint64(local.Len())
	const size = 32 << 20
	z := deflateZeros(t, size)
	local.Write(localRecord("zero", zip.Deflate, crcZeros(size), size, z))
	entries := []rawEntry{
		{name: "app.py", method: zip.Store, crc: crcOf(appPy), csize: uint64(len(appPy)), usize: uint64(len(appPy))},
		{name: "helper.py", method: zip.Store, crc: crcOf("VALUE = 1\n"), csize: 10, usize: 10, localOffset: uint64(len(localRecord("app.py", zip.Store, 0, 0, []byte(appPy))))},
	}
	for i := range 1000 {
		e := rawEntry{method: zip.Deflate, crc: crcZeros(size), csize: uint64(len(z)), usize: size, localOffset: off}
		e.name = fmt.Sprintf("python/lib/python3.12/site-packages/m%d.cpython-312-x86_64-linux-gnu.so", i)
		entries = append(entries, e)
		e.name = fmt.Sprintf("python/p%d/__init__.py", i)
		entries = append(entries, e)
	}
	writeFile(t, filepath.Dir(p), filepath.Base(p), rawZip(local.Bytes(), entries))
}

// genBigTemplate: a 50 MB template of many small resources.
func genBigTemplate(t testing.TB, p string) {
	var b strings.Builder
	b.WriteString("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n")
	b.WriteString("  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n")
	for i := 0; b.Len() < 50<<20; i++ {
		fmt.Fprintf(&b, "  Topic%d:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Sub '${AWS::StackName}-%d'\n", i, i)
	}
	writeFile(t, p, "template.yaml", []byte(b.String()))
	writeFile(t, p, "src/app.py", []byte(appPy))
	writeFile(t, p, "src/helper.py", []byte("VALUE = 1\n"))
}

// genSymlinks: symlink loops, links out of the tree, links to folders above.
func genSymlinks(t testing.TB, p string) {
	writeFile(t, p, "template.yaml", []byte(samFn))
	writeFile(t, p, "src/app.py", []byte(appPy+"import passwd\nimport loop.loop.loop.app\nimport a\n"))
	writeFile(t, p, "src/helper.py", []byte("VALUE = 1\n"))
	symlink(t, ".", filepath.Join(p, "src/loop"))
	symlink(t, "b", filepath.Join(p, "src/a"))
	symlink(t, "a", filepath.Join(p, "src/b"))
	symlink(t, "a.py", filepath.Join(p, "src/a.py"))
	symlink(t, "../..", filepath.Join(p, "src/up"))
	symlink(t, "/", filepath.Join(p, "src/root"))
	symlink(t, "/etc/passwd", filepath.Join(p, "src/passwd.py"))
	symlink(t, "../../..", filepath.Join(p, "src/deep/x/y/loop"))
	symlink(t, "../src", filepath.Join(p, "layer/python/src"))
	symlink(t, "..", filepath.Join(p, "layer/python/parent"))
	symlink(t, "/usr/lib", filepath.Join(p, "layer/python/lib"))
	symlink(t, "../../src/app.py", filepath.Join(p, "layer/python/layered.py"))
	symlink(t, "/proc/self/root", filepath.Join(p, "layer/python/proc"))
	symlink(t, "/dev/zero", filepath.Join(p, "layer/python/zero.cpython-312-x86_64-linux-gnu.so"))
	symlink(t, "/dev/zero", filepath.Join(p, "src/requirements.txt"))
}

// genUnreadable: files that cannot be read, or whose reading never ends. Tests run as
// root, which reads a 0000 file anyway, so unreadable is simulated with FIFOs (a read
// would block forever), dangling and looping symlinks; a 0000 file and folder are made
// too, for runs as another user.
func genUnreadable(t testing.TB, p string) {
	writeFile(t, p, "template.yaml", []byte(samFn))
	writeFile(t, p, "src/app.py", []byte(appPy+"import mod\nimport gone\nimport self\nimport secret\nimport locked.x\nimport layered\nimport pkg\n"))
	mkfifo(t, filepath.Join(p, "src/helper.py"))
	symlink(t, "nowhere.py", filepath.Join(p, "src/gone.py"))
	symlink(t, "self.py", filepath.Join(p, "src/self.py"))
	mkfifo(t, filepath.Join(p, "src/mod.py"))
	mkfifo(t, filepath.Join(p, "src/requirements.txt"))
	writeFile(t, p, "src/secret.py", []byte("x = 1\n"))
	if err := os.Chmod(filepath.Join(p, "src/secret.py"), 0); err != nil {
		t.Fatal(err)
	}
	writeFile(t, p, "src/locked/x.py", []byte("x = 1\n"))
	if err := os.Chmod(filepath.Join(p, "src/locked"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(p, "src/locked"), 0o755) })
	mkfifo(t, filepath.Join(p, "layer/python/layered.py"))
	mkfifo(t, filepath.Join(p, "layer/python/pkg/__init__.py"))
	mkfifo(t, filepath.Join(p, "layer/python/x.pth"))
	mkfifo(t, filepath.Join(p, "layer/python/x-1.0.dist-info/METADATA"))
	mkfifo(t, filepath.Join(p, "layer/python/x-1.0.dist-info/RECORD"))
	mkfifo(t, filepath.Join(p, "layer/python/x.cpython-312-x86_64-linux-gnu.so"))
}

// genBigPy: a 20 MB handler module: many imports, a 1 MB line, deep brackets, long
// strings and comments.
func genBigPy(t testing.TB, p string) {
	writeFile(t, p, "template.yaml", []byte(samFn))
	writeFile(t, p, "src/helper.py", []byte("VALUE = 1\n"))
	var b strings.Builder
	b.WriteString(appPy)
	for i := range 50_000 {
		fmt.Fprintf(&b, "import missing_%d\n", i)
	}
	for i := range 50_000 {
		fmt.Fprintf(&b, "def f%d():\n    from helper import VALUE as v%d\n    return v%d\n", i, i, i)
	}
	b.WriteString("x = " + strings.Repeat("1 + ", 250_000) + "1\n")
	b.WriteString("y = " + strings.Repeat("(", 5000) + strings.Repeat(")", 5000) + "\n")
	b.WriteString("z = '''" + strings.Repeat("import nothing\n", 100_000) + "'''\n")
	for b.Len() < 20<<20 {
		b.WriteString("# " + strings.Repeat("import comment ", 60) + "\n")
	}
	writeFile(t, p, "src/app.py", []byte(b.String()))
	writeFile(t, p, "layer/python/layered.py", []byte(b.String()))
}

// genNonUTF8Name: a module whose file name is not UTF-8 (latin-1 café.py), imported as
// such. Generated, not committed: Go module zips refuse such names (README "Install").
func genNonUTF8Name(t testing.TB, p string) {
	writeFile(t, p, "template.yaml", []byte(samFn))
	writeFile(t, p, "src/app.py", []byte("# -*- coding: latin-1 -*-\nimport helper\nimport caf\xe9\n"))
	writeFile(t, p, "src/helper.py", []byte("VALUE = 1\n"))
	writeFile(t, p, "src/caf\xe9.py", []byte("x = 1\n"))
}

// genManyFiles: 50,000 files in the layer, 1,000 in the function.
func genManyFiles(t testing.TB, p string) {
	writeFile(t, p, "template.yaml", []byte(samFn))
	writeFile(t, p, "src/app.py", []byte(appPy+"from pkg7 import m7\nimport fn9.m9\n"))
	writeFile(t, p, "src/helper.py", []byte("VALUE = 1\n"))
	for i := range 1000 {
		writeFile(t, p, fmt.Sprintf("src/fn%d/m%d.py", i%10, i%100), []byte("x = 1\n"))
	}
	for i := range 50_000 {
		writeFile(t, p, fmt.Sprintf("layer/python/pkg%d/m%d.py", i%50, i/50), []byte("x = 1\n"))
	}
}

func crcOf(s string) uint32 { return crc32.ChecksumIEEE([]byte(s)) }

// genBigTerraform: a 50 MB Terraform file.
func genBigTerraform(t testing.TB, p string) {
	var b strings.Builder
	b.WriteString("resource \"aws_lambda_function\" \"f\" {\n  handler = \"app.handler\"\n  runtime = \"python3.12\"\n  filename = \"src.zip\"\n}\n")
	for i := 0; b.Len() < 50<<20; i++ {
		fmt.Fprintf(&b, "resource \"aws_sns_topic\" \"t%d\" {\n  name = \"t%d\"\n}\n", i, i)
	}
	writeFile(t, p, "main.tf", []byte(b.String()))
}
