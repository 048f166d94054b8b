//go:build unix

package hostile

import (
	"archive/zip"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Evaluation and amplification items (issue 15.2, 15.5, 15.7): inputs that are small but
// make a naive loader do exponential or quadratic work. The small ones are committed
// under testdata/hostile/eval (writeCommittedEval, called by writeCommitted); the big
// ones and those with symlinks are generated.

func init() { items = append(items, evalItems...) }

var evalItems = []item{
	// CloudFormation intrinsics and Conditions: the evaluation budget (cfn/budget.go).
	{name: "eval/sub-doubling", exit: 2, line: true},
	{name: "eval/conditions-fan-out"}, // memoized: loads, and decides the condition
	{name: "eval/conditions-too-long", exit: 2, line: true},
	{name: "eval/if-undecided-alias", exit: 2, line: true},
	{name: "eval/large-value-refs", gen: genLargeValueRefs, exit: 2, line: true},
	{name: "eval/split-many", gen: genSplitMany, exit: 2, line: true},
	// Nested stacks: a DAG loaded once per template, depth reported.
	{name: "eval/nested-dag"},
	// Code locations outside the checked folder: LK410, nothing read.
	{name: "eval/code-outside"},                                  // TestEvalFindings: LK410
	{name: "eval/cdk-outside", mention: "cdk.out/manifest.json"}, // TestEvalFindings: LK410
	// Trees: symlink fan-out, deep zip names, METADATA continuation lines, a long
	// import chain.
	{name: "eval/symlink-fan-out", gen: genSymlinkFanOut, mention: "src/d0/", exit: 2},
	{name: "zips/deep-names.zip", gen: genDeepNames},
	{name: "eval/metadata-folded", gen: genMetadataFolded},
	{name: "eval/import-chain", gen: genImportChain}, // TestImportChainOutput
}

const evalReadme = `# Evaluation and amplification items

Small inputs that make a naive loader do exponential or quadratic work (issue 15): each must
end within the corpus budgets (internal/hostile). Written by writeCommittedEval
(internal/hostile/eval_test.go); do not edit by hand.

- sub-doubling: 40 nested Fn::Sub, each doubling its variable (1.5 KB, 2^43 bytes): exit 2 at
  the expression.
- conditions-fan-out: 60 Conditions, each referring three times to the one before (3^60
  paths): memoized, it loads.
- conditions-too-long: 300 such Conditions, past the chain bound: exit 2.
- if-undecided-alias: Fn::If on an undecidable condition, doubled 12 times through YAML
  aliases, in 200 functions' Layers: exit 2.
- nested-dag: 11 templates, each including the next 40 times (40^10 paths): each loaded once,
  the stack past 8 levels reported (LK105).
- code-outside: CodeUri /, ../../, a ContentUri and a TemplateURL leaving the folder: LK410,
  nothing read.
- cdk-outside: cdk.out asset paths / and ../../..: LK410.

Generated at test time: eval/large-value-refs (a 900 KB template referencing a 400 KB default
2,000 times), eval/split-many (Fn::Split of 200,000 commas, 100 times), eval/symlink-fan-out
(six links per folder, twelve levels: 2 billion paths), zips/deep-names.zip (names 64 KB deep,
3,000 chains of 2,000 folders), eval/metadata-folded (an 8 MB METADATA folded over 400,000
lines, a WHEEL Tag expanding to 216,000 tags), eval/import-chain (10,000 modules importing the
next, each with a missing import).
`

// writeCommittedEval writes the committed evaluation items into dir (the corpus root).
func writeCommittedEval(t testing.TB, dir string) {
	t.Helper()
	w := func(item, name, body string) { writeFile(t, dir, "eval/"+item+"/"+name, []byte(body)) }
	writeFile(t, dir, "eval/README.md", []byte(evalReadme))
	src := func(item string) { w(item, "src/app.py", appPy); w(item, "src/helper.py", "VALUE = 1\n") }

	const fn = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n"

	expr := "'xxxxxxxx'"
	for range 40 {
		expr = "{'Fn::Sub': ['${a}${a}', {a: " + expr + "}]}"
	}
	w("sub-doubling", "template.yaml", fn+"      Environment:\n        Variables:\n          X: "+expr+"\n")
	src("sub-doubling")

	conds := func(levels int) string {
		var b strings.Builder
		b.WriteString("Conditions:\n  C0: !Equals [a, b]\n")
		for i := 1; i < levels; i++ {
			fmt.Fprintf(&b, "  C%d: !Or [!Condition C%d, !Condition C%d, !Not [!Condition C%d]]\n", i, i-1, i-1, i-1)
		}
		return b.String() + strings.Replace(fn, "Runtime: python3.12", fmt.Sprintf("Runtime: !If [C%d, python3.12, python3.11]", levels-1), 1)
	}
	w("conditions-fan-out", "template.yaml", conds(60))
	src("conditions-fan-out")
	w("conditions-too-long", "template.yaml", conds(300))
	src("conditions-too-long")

	var b strings.Builder
	b.WriteString("Parameters:\n  P: {Type: String}\nConditions:\n  U: !Equals [!Ref P, x]\nX:\n  - &a0 arn:aws:lambda:us-east-1:123456789012:layer:x:1\n")
	for i := 1; i <= 12; i++ {
		fmt.Fprintf(&b, "  - &a%d !If [U, *a%d, *a%d]\n", i, i-1, i-1)
	}
	b.WriteString("Globals:\n  Function:\n    Layers: [*a12]\n" + strings.TrimPrefix(fn, "Transform: AWS::Serverless-2016-10-31\n"))
	for i := range 200 {
		fmt.Fprintf(&b, "  Fn%d:\n    Type: AWS::Serverless::Function\n    Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.12}\n", i)
	}
	w("if-undecided-alias", "template.yaml", "Transform: AWS::Serverless-2016-10-31\n"+b.String())
	src("if-undecided-alias")

	for i := range 11 {
		var t strings.Builder
		fmt.Fprintf(&t, "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn%d:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n", i)
		for j := range 40 {
			if i < 10 {
				fmt.Fprintf(&t, "  S%d:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: t%d.yaml\n", j, i+1)
			}
		}
		name := fmt.Sprintf("t%d.yaml", i)
		if i == 0 {
			name = "template.yaml"
		}
		w("nested-dag", name, t.String())
	}
	src("nested-dag")

	w("code-outside", "template.yaml", `Transform: AWS::Serverless-2016-10-31
Resources:
  Root:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: /
      Handler: app.handler
      Runtime: python3.12
  Up:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ../../
      Handler: app.handler
      Runtime: python3.12
      Layers: [!Ref Layer]
  Etc:
    Type: AWS::Lambda::Function
    Properties:
      Code: /etc
      Handler: passwd.handler
      Runtime: python3.12
  Layer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: ../../../../../../../usr/lib
  Nested:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ../../../../../../../etc/passwd
`)
	w("cdk-outside", "cdk.out/manifest.json", `{"version": "36.0.0", "artifacts": {
  "S": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.template.json"}}}}
`)
	w("cdk-outside", "cdk.out/S.template.json", `{"Resources": {
  "F": {"Type": "AWS::Lambda::Function", "Metadata": {"aws:asset:path": "/", "aws:asset:property": "Code"},
        "Properties": {"Handler": "app.handler", "Runtime": "python3.12", "Code": {"S3Bucket": "b", "S3Key": "k.zip"}}},
  "G": {"Type": "AWS::Lambda::Function", "Metadata": {"aws:asset:path": "../../../../../../../../etc", "aws:asset:property": "Code"},
        "Properties": {"Handler": "passwd.handler", "Runtime": "python3.12", "Code": {"S3Bucket": "b", "S3Key": "k.zip"}}}}}
`)
}

// genLargeValueRefs: a 900 KB template referencing a 400 KB parameter default 2,000
// times (!Sub and !Join of it: 1.6 GB of strings).
func genLargeValueRefs(t testing.TB, p string) {
	var b strings.Builder
	b.WriteString("Transform: AWS::Serverless-2016-10-31\nParameters:\n  Big: {Type: String, Default: " + strings.Repeat("y", 400_000) + "}\n")
	b.WriteString("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n      Environment:\n        Variables:\n")
	for i := range 2000 {
		fmt.Fprintf(&b, "          V%d: !Join ['', [!Ref Big, !Sub '${Big}']]\n", i)
	}
	writeFile(t, p, "template.yaml", []byte(b.String()))
	writeFile(t, p, "src/app.py", []byte(appPy))
	writeFile(t, p, "src/helper.py", []byte("VALUE = 1\n"))
}

// genSplitMany: Fn::Split of a 200,000-comma default, 100 times.
func genSplitMany(t testing.TB, p string) {
	var b strings.Builder
	b.WriteString("Transform: AWS::Serverless-2016-10-31\nParameters:\n  Big: {Type: String, Default: '" + strings.Repeat(",", 200_000) + "'}\n")
	b.WriteString("Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n      Environment:\n        Variables:\n")
	for i := range 100 {
		fmt.Fprintf(&b, "          V%d: !Join [',', !Split [',', !Ref Big]]\n", i)
	}
	writeFile(t, p, "template.yaml", []byte(b.String()))
	writeFile(t, p, "src/app.py", []byte(appPy))
	writeFile(t, p, "src/helper.py", []byte("VALUE = 1\n"))
}

// genSymlinkFanOut: src/d0..d12, each holding six links to the next (6^12 paths).
func genSymlinkFanOut(t testing.TB, p string) {
	writeFile(t, p, "template.yaml", []byte(strings.Replace(samFn, "      Layers: [!Ref Layer]\n", "", 1)))
	writeFile(t, p, "src/app.py", []byte(appPy+"import d0.l0.l1.l2.m\n"))
	writeFile(t, p, "src/helper.py", []byte("VALUE = 1\n"))
	for i := 0; i <= 12; i++ {
		writeFile(t, p, fmt.Sprintf("src/d%d/m.py", i), []byte("x = 1\n"))
		writeFile(t, p, fmt.Sprintf("src/d%d/__init__.py", i), nil)
	}
	for i := range 12 {
		for j := range 6 {
			symlink(t, fmt.Sprintf("../d%d", i+1), filepath.Join(p, fmt.Sprintf("src/d%d/l%d", i, j)))
		}
	}
}

// genDeepNames: names 64 KB deep, a name segment of 300 bytes, and 3,000 chains of
// 2,000 folders (names just under Linux's path limit).
func genDeepNames(t testing.TB, p string) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string) {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	add("app.py", appPy)
	add("helper.py", "VALUE = 1\n")
	add("python/layered.py", "x = 1\n")
	for i := range 30 {
		add(fmt.Sprintf("d%d/", i)+strings.Repeat("a/", 30_000)+"x.py", "")
	}
	add(strings.Repeat("s", 300)+"/x.py", "")
	for i := range 3000 {
		add(fmt.Sprintf("python/c%d/", i)+strings.Repeat("a/", 2030)+"x.py", "")
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Dir(p), filepath.Base(p), buf.Bytes())
}

// genMetadataFolded: a layer whose METADATA folds a field over 400,000 lines (quadratic
// when each line is appended to the value) and whose WHEEL Tag expands to 216,000 tags.
func genMetadataFolded(t testing.TB, p string) {
	writeFile(t, p, "template.yaml", []byte(samFn))
	writeFile(t, p, "src/app.py", []byte(appPy+"import folded\n"))
	writeFile(t, p, "src/helper.py", []byte("VALUE = 1\n"))
	writeFile(t, p, "layer/python/folded/__init__.py", nil)
	writeFile(t, p, "layer/python/layered.py", []byte("x = 1\n"))
	md := "Metadata-Version: 2.1\nName: folded\nVersion: 1.0\nSummary: s\n" + strings.Repeat(" more words here\n", 400_000) +
		"Requires-Dist: six\n" + strings.Repeat("\tand more\n", 100_000)
	writeFile(t, p, "layer/python/folded-1.0.dist-info/METADATA", []byte(md))
	dots := func(s string) string { return strings.TrimSuffix(strings.Repeat(s+".", 60), ".") }
	writeFile(t, p, "layer/python/folded-1.0.dist-info/WHEEL", []byte("Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: "+dots("py3")+"-"+dots("none")+"-"+dots("any")+"\n"))
	writeFile(t, p, "layer/python/folded-1.0.dist-info/RECORD", []byte("folded/__init__.py,,\n"))
	writeFile(t, p, "layer/python/folded-1.0.dist-info/top_level.txt", []byte("folded\n"))
}

// genImportChain: 10,000 modules, each importing the next and a missing module.
func genImportChain(t testing.TB, p string) { genImportChainOf(t, p, importChainLen) }

// genImportChainOf is genImportChain with a chain of n modules.
func genImportChainOf(t testing.TB, p string, n int) {
	writeFile(t, p, "template.yaml", []byte(samFn))
	writeFile(t, p, "src/app.py", []byte(appPy+"import m0\n"))
	writeFile(t, p, "src/helper.py", []byte("VALUE = 1\n"))
	writeFile(t, p, "layer/python/layered.py", []byte("x = 1\n"))
	for i := range n {
		writeFile(t, p, fmt.Sprintf("src/m%d.py", i), []byte(fmt.Sprintf("import m%d\nimport missing_%d\n", i+1, i)))
	}
}

const importChainLen = 10_000

// TestImportChainOutput: a finding per module of a long import chain, each naming the
// chain once with its length: the JSON output grows with the chain, not its square.
// Under -short the chain is 2,000 modules (its square would still be 5 times the bound).
func TestImportChainOutput(t *testing.T) {
	n := importChainLen
	if testing.Short() {
		n = 2_000
	}
	p := filepath.Join(t.TempDir(), "chain")
	genImportChainOf(t, p, n)
	cmd := exec.Command(bin, "check", "--format", "json")
	cmd.Dir = p
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		t.Fatalf("exit %v; stderr:\n%s", err, stderr.String())
	}
	if limit := 2 << 10 * n; stdout.Len() > limit {
		t.Errorf("%d bytes of JSON for a %d-module chain, want at most %d", stdout.Len(), n, limit)
	}
	// the last problem is in m<n-1>: a chain of n+1 modules, app first
	if !strings.Contains(stdout.String(), fmt.Sprintf("app → m0 → m1 → … %d more … → m%d → m%d → m%d)", n+1-6, n-3, n-2, n-1)) {
		t.Errorf("the last module's chain is not abbreviated with its length")
	}
	t.Logf("%d bytes of JSON in %v", stdout.Len(), time.Since(start))
}

// TestEvalFindings: what check reports on the evaluation items that load: each code
// location outside the folder is an LK410 error (and nothing there is read), the
// nested stack past the depth bound an LK105 info naming the limit.
func TestEvalFindings(t *testing.T) {
	for _, c := range []struct {
		item string
		want []string // in the JSON output, in order
		not  []string
	}{
		{"eval/code-outside", []string{
			`"code": "LK410"`, `CodeUri / resolves to /`, `CodeUri ../../ resolves to`, `Code /etc resolves to /etc`,
			`ContentUri ../../../../../../../usr/lib resolves to /usr/lib`, `TemplateURL ../../../../../../../etc/passwd resolves to /etc/passwd`},
			[]string{"root:", "LK102", "LK101"}},
		{"eval/cdk-outside", []string{`asset path (Metadata aws:asset:path) / resolves to /`, `resolves to /etc`}, []string{"root:", "LK102"}},
		{"eval/nested-dag", []string{`"code": "LK105"`, `nested stack S0 (template t9.yaml) is nested 9 levels deep; layerkit follows nested stacks 8 levels`}, nil},
	} {
		cmd := exec.Command(bin, "check", "--format", "json")
		cmd.Dir = filepath.Join(corpusDir, c.item)
		out, _ := cmd.Output()
		s := string(out)
		for _, w := range c.want {
			i := strings.Index(s, w)
			if i < 0 {
				t.Errorf("%s: output lacks %q:\n%s", c.item, w, out)
				break
			}
			s = s[i:]
		}
		for _, n := range c.not {
			if strings.Contains(string(out), n) {
				t.Errorf("%s: output has %q", c.item, n)
			}
		}
	}
}

// TestEvalCorpusFiles: the committed evaluation items are where evalItems says.
func TestEvalCorpusFiles(t *testing.T) {
	for _, it := range evalItems {
		if it.gen != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(corpusDir, it.name)); err != nil {
			t.Errorf("%s: %v (LAYERKIT_WRITE_HOSTILE=1 go test -run TestWriteCorpus ./internal/hostile)", it.name, err)
		}
	}
}
