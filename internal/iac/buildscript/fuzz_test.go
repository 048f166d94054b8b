package buildscript

import (
	"path/filepath"
	"testing"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/iac/iactest"
)

// FuzzScript: any shell text ends (by the step budget or a refusal) without a panic,
// and what it makes can be read back as an artifact.
func FuzzScript(f *testing.F) {
	for _, s := range []string{
		"cd a && zip -r ../out.zip .",
		"f() { f; }; f",
		"x=a; while true; do x=$x$x$x$x; done",
		"for i in a b c; do mkdir -p out/$i; cp -r a out/$i/; done; zip -r out.zip out",
		"case $1 in -*) shift;; *) exit;; esac; echo ${x%%/*} ${x#*.} ${#x} ${x/a/b} ${x:-d} ${x:=e} ${x:+f}",
		"eval \"$(jq -r '@sh \"a=\\(.a)\"')\"; source ./a/b.sh; . a/b.sh x",
		"pip install -r a/req.txt -t out/python && (cd out && zip -r ../l.zip python)",
		"PIPENV_VENV_IN_PROJECT=1 pipenv install; cp -r .venv/lib/*/site-packages/* out/",
		"[[ -d a && ! -f b || $x =~ ^(a|b)$ ]] && echo $(( 1 + 2 * 3 )) > out.txt; cat out.txt | read",
		"x=$(printf '%s/%s' a b); rsync -a a/ $x/; mv a/b.sh c; rm -rf a",
	} {
		f.Add(s)
	}
	root := f.TempDir()
	iactest.WriteFiles(f, root, map[string]string{"a/b.sh": "echo $1\n", "a/req.txt": "requests\n"})
	f.Fuzz(func(t *testing.T, src string) {
		r := New(root, iac.Limits{})
		_ = r.Script(src, "fuzz", root, []string{"-x", "y"}, nil)
		for _, p := range []string{"out.zip", "out", "l.zip"} {
			if a := r.output(filepath.Join(root, p), p); a != nil {
				_ = files(t, a.Tree)
			}
		}
	})
}
