package noderesolve

import (
	"strings"
	"testing"

	"github.com/layerkit/layerkit/internal/tree"
)

// FuzzPackageJSON feeds package.json files (exports, imports, main, type) and
// specifiers to both resolvers: never a panic, and what resolves is a file that
// exists (or a built-in, or the runtime's package).
func FuzzPackageJSON(f *testing.F) {
	for _, s := range [][2]string{
		{`{"name":"p","main":"lib/main.js"}`, "p"},
		{`{"name":"p","exports":"./lib/main.js"}`, "p"},
		{`{"name":"p","exports":{".":{"import":"./esm.mjs","require":"./lib/main.js"},"./sub":"./lib/sub.js"}}`, "p/sub"},
		{`{"name":"p","exports":{"./features/*":"./lib/features/*.js","./private/*":null}}`, "p/features/x"},
		{`{"name":"p","exports":[{"require":"./x.cjs"},"./lib/main.js"]}`, "p"},
		{`{"name":"p","exports":{".":"./lib/main.js","default":"./x.js"}}`, "p"},
		{`{"name":"p","imports":{"#a":"./lib/main.js","#b/*":"./lib/*.js","#c":"p"}}`, "#b/main"},
		{`{"name":"p","exports":{"./*":"./../../*"}}`, "p/x"},
		{`{"name":"p","type":"module","exports":{"node":{"import":"./esm.mjs"}}}`, "p"},
		{`not json`, "p"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pkg, spec string) {
		files := map[string]string{
			"app.js":                           "",
			"package.json":                     pkg,
			"node_modules/p/package.json":      pkg,
			"node_modules/p/lib/main.js":       "",
			"node_modules/p/lib/sub.js":        "",
			"node_modules/p/lib/features/x.js": "",
			"node_modules/p/esm.mjs":           "",
		}
		r := New(tree.NewMap("task", files), nil, DefaultEnv(20))
		check := func(m Module, fail *Failure) {
			if fail != nil || m.Builtin || m.Provided {
				return
			}
			if r.stat(m.Path) != statFile {
				t.Fatalf("%q from %s resolved to %s, not a file", spec, pkg, m.Path)
			}
			if !strings.HasPrefix(m.Path, "/var/task/") {
				t.Fatalf("%q resolved outside /var/task: %s", spec, m.Path)
			}
		}
		check(r.require(spec, &cjsParent{filename: "/var/task/app.js", stack: []string{"/var/task/app.js"}}))
		check(r.esmResolve(spec, "/var/task/app.js"))
	})
}
