package noderesolve

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strings"
)

// package.json "exports" and "imports" (Node's packageExportsResolve,
// packageImportsResolve, resolvePackageTarget; esm/resolve.js).

// jv is a JSON value that keeps the order of object keys (conditions are tried in
// the order the package lists them).
type jv struct {
	kind byte // 's' string, 'a' array, 'o' object, 'n' null, 'x' other (number, bool)
	str  string
	arr  []jv
	keys []string
	vals []jv
}

func parseJV(raw []byte) (jv, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	v, err := decodeJV(d, 0)
	return v, err
}

func decodeJV(d *json.Decoder, depth int) (jv, error) {
	if depth > 64 {
		return jv{}, fmt.Errorf("nested too deep")
	}
	t, err := d.Token()
	if err != nil {
		return jv{}, err
	}
	switch t := t.(type) {
	case string:
		return jv{kind: 's', str: t}, nil
	case nil:
		return jv{kind: 'n'}, nil
	case json.Delim:
		if t == '[' {
			v := jv{kind: 'a'}
			for d.More() {
				e, err := decodeJV(d, depth+1)
				if err != nil {
					return jv{}, err
				}
				v.arr = append(v.arr, e)
			}
			_, err := d.Token()
			return v, err
		}
		v := jv{kind: 'o'}
		for d.More() {
			k, err := d.Token()
			if err != nil {
				return jv{}, err
			}
			e, err := decodeJV(d, depth+1)
			if err != nil {
				return jv{}, err
			}
			if i := v.index(k.(string)); i >= 0 { // a repeated key: the last one wins
				v.vals[i] = e
				continue
			}
			v.keys = append(v.keys, k.(string))
			v.vals = append(v.vals, e)
		}
		_, err := d.Token()
		return v, err
	}
	return jv{kind: 'x'}, nil
}

func (v jv) index(k string) int {
	for i, key := range v.keys {
		if key == k {
			return i
		}
	}
	return -1
}

// conditions are the export conditions Node matches, besides "default".
type conditions []string

var (
	cjsConditions = conditions{"require", "node", "node-addons"}
	esmConditions = conditions{"import", "node", "node-addons"}
)

func (c conditions) has(k string) bool {
	for _, x := range c {
		if x == k {
			return true
		}
	}
	return false
}

// errPkg builds a Node error of a package's exports or imports.
func errPkg(code, typ, msg string) *Failure {
	return &Failure{Code: code, Type: typ, Msg: msg}
}

func importedFrom(base string) string {
	if base == "" {
		return ""
	}
	return " imported from " + base
}

func exportsNotFound(subpath, pjPath, base string) *Failure {
	if subpath == "." {
		return errPkg("ERR_PACKAGE_PATH_NOT_EXPORTED", "Error", fmt.Sprintf(`No "exports" main defined in %s%s`, pjPath, importedFrom(base)))
	}
	return errPkg("ERR_PACKAGE_PATH_NOT_EXPORTED", "Error", fmt.Sprintf(`Package subpath '%s' is not defined by "exports" in %s%s`, subpath, pjPath, importedFrom(base)))
}

func invalidTarget(pjPath, key string, target string, internal bool, base string) *Failure {
	rel := strings.HasPrefix(target, "./")
	var msg string
	if key == "." && !internal {
		msg = fmt.Sprintf("Invalid \"exports\" main target %s defined in the package config %s%s", jsonStr(target), pjPath, importedFrom(base))
	} else {
		field := "exports"
		if internal {
			field = "imports"
		}
		msg = fmt.Sprintf("Invalid \"%s\" target %s defined for '%s' in the package config %s%s", field, jsonStr(target), key, pjPath, importedFrom(base))
	}
	if !internal && !rel && !strings.HasPrefix(target, "../") && !strings.HasPrefix(target, "/") {
		msg += `; targets must start with "./"`
	}
	return errPkg("ERR_INVALID_PACKAGE_TARGET", "Error", msg)
}

func jsonStr(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// isConditionalSugar reports whether exports is the sugar for {".": exports}.
func isConditionalSugar(exports jv, pjPath, base string) (bool, *Failure) {
	switch exports.kind {
	case 's', 'a':
		return true, nil
	case 'o':
	default:
		return false, nil
	}
	sugar := false
	for i, k := range exports.keys {
		cur := k == "" || k[0] != '.'
		if i == 0 {
			sugar = cur
		} else if sugar != cur {
			return false, errPkg("ERR_INVALID_PACKAGE_CONFIG", "Error", fmt.Sprintf(`Invalid package config %s%s. "exports" cannot contain some keys starting with '.' and some not. The exports object must either be an object of package subpath keys or an object of main entry condition name keys only.`, pjPath, importedFrom(base)))
		}
	}
	return sugar, nil
}

// patternKeyCompare orders pattern keys as Node does (the longest prefix wins).
func patternKeyCompare(a, b string) int {
	ai, bi := strings.Index(a, "*"), strings.Index(b, "*")
	baseA, baseB := len(a), len(b)
	if ai != -1 {
		baseA = ai + 1
	}
	if bi != -1 {
		baseB = bi + 1
	}
	switch {
	case baseA > baseB:
		return -1
	case baseB > baseA:
		return 1
	case ai == -1:
		return 1
	case bi == -1:
		return -1
	case len(a) > len(b):
		return -1
	case len(b) > len(a):
		return 1
	}
	return 0
}

// bestPattern finds the pattern key of m matching subpath; ok false when none.
func bestPattern(m jv, subpath string) (key, match string, ok bool) {
	best := ""
	for _, k := range m.keys {
		i := strings.Index(k, "*")
		if i == -1 || !strings.HasPrefix(subpath, k[:i]) {
			continue
		}
		trailer := k[i+1:]
		if len(subpath) >= len(k) && strings.HasSuffix(subpath, trailer) && patternKeyCompare(best, k) == 1 && strings.LastIndex(k, "*") == i {
			best = k
			match = subpath[i : len(subpath)-len(trailer)]
		}
	}
	return best, match, best != ""
}

// packageExportsResolve resolves subpath ("." or "./x") through the exports of the
// package whose package.json is pj. base is the importing file ("" in CommonJS).
func (r *Resolver) packageExportsResolve(pj *pkgJSON, subpath, base string, conds conditions) (string, *Failure) {
	exports, err := parseJV(pj.Exports)
	if err != nil {
		return "", errPkg("ERR_INVALID_PACKAGE_CONFIG", "Error", fmt.Sprintf("Invalid package config %s.", pj.path))
	}
	sugar, f := isConditionalSugar(exports, pj.path, base)
	if f != nil {
		return "", f
	}
	if sugar {
		exports = jv{kind: 'o', keys: []string{"."}, vals: []jv{exports}}
	}
	if exports.kind == 'o' {
		if i := exports.index(subpath); i >= 0 && !strings.Contains(subpath, "*") && !strings.HasSuffix(subpath, "/") {
			res, f, null := r.resolveTarget(pj, exports.vals[i], "", subpath, base, false, false, conds)
			if f != nil {
				return "", f
			}
			if null != noValue {
				return "", exportsNotFound(subpath, pj.path, base)
			}
			return res, nil
		}
		if key, match, ok := bestPattern(exports, subpath); ok {
			res, f, null := r.resolveTarget(pj, exports.vals[exports.index(key)], match, key, base, true, false, conds)
			if f != nil {
				return "", f
			}
			if null != noValue {
				return "", exportsNotFound(subpath, pj.path, base)
			}
			return res, nil
		}
	}
	return "", exportsNotFound(subpath, pj.path, base)
}

// packageImportsResolve resolves "#x" through the imports of the package scope of
// base.
func (r *Resolver) packageImportsResolve(name, base string, conds conditions) (string, *Failure) {
	if name == "#" || strings.HasPrefix(name, "#/") || strings.HasSuffix(name, "/") {
		return "", errPkg("ERR_INVALID_MODULE_SPECIFIER", "TypeError", fmt.Sprintf("Invalid module \"%s\" is not a valid internal imports specifier name imported from %s", name, base))
	}
	pj := r.packageScope(path.Dir(base))
	pjPath := ""
	if pj != nil {
		pjPath = pj.path
		if pj.hasImp {
			imports, err := parseJV(pj.Imports)
			if err == nil && imports.kind == 'o' {
				if i := imports.index(name); i >= 0 && !strings.Contains(name, "*") {
					res, f, null := r.resolveTarget(pj, imports.vals[i], "", name, base, false, true, conds)
					if f != nil {
						return "", f
					}
					if null == noValue {
						return res, nil
					}
				} else if key, match, ok := bestPattern(imports, name); ok {
					res, f, null := r.resolveTarget(pj, imports.vals[imports.index(key)], match, key, base, true, true, conds)
					if f != nil {
						return "", f
					}
					if null == noValue {
						return res, nil
					}
				}
			}
		}
	}
	msg := fmt.Sprintf("Package import specifier \"%s\" is not defined", name)
	if pjPath != "" {
		msg += " in package " + pjPath
	}
	return "", errPkg("ERR_PACKAGE_IMPORT_NOT_DEFINED", "TypeError", msg+" imported from "+base)
}

var invalidSegment = regexp.MustCompile(`(?i)(^|\\|/)((\.|%2e)(\.|%2e)?|(n|%6e|%4e)(o|%6f|%4f)(d|%64|%44)(e|%65|%45)_(m|%6d|%4d)(o|%6f|%4f)(d|%64|%44)(u|%75|%55)(l|%6c|%4c)(e|%65|%45)(s|%73|%53))?(\\|/|$)`)

// resolveTarget is Node's resolvePackageTarget. null says the target is null (or
// no condition matched: undefined), which the callers turn into "not exported".
func (r *Resolver) resolveTarget(pj *pkgJSON, target jv, subpath, key, base string, pattern, internal bool, conds conditions) (res string, f *Failure, null nullness) {
	switch target.kind {
	case 's':
		return r.resolveTargetString(pj, target.str, subpath, key, base, pattern, internal, conds)
	case 'a':
		if len(target.arr) == 0 {
			return "", nil, nullValue
		}
		var last *Failure
		lastNull := undefinedValue
		for _, t := range target.arr {
			res, f, null := r.resolveTarget(pj, t, subpath, key, base, pattern, internal, conds)
			if f != nil {
				if f.Code == "ERR_INVALID_PACKAGE_TARGET" {
					last, lastNull = f, noValue
					continue
				}
				return "", f, noValue
			}
			if null == undefinedValue {
				continue
			}
			if null == nullValue {
				last, lastNull = nil, nullValue
				continue
			}
			return res, nil, noValue
		}
		if last != nil {
			return "", last, noValue
		}
		return "", nil, lastNull
	case 'o':
		for i, k := range target.keys {
			if k == "default" || conds.has(k) {
				res, f, null := r.resolveTarget(pj, target.vals[i], subpath, key, base, pattern, internal, conds)
				if f != nil {
					return "", f, noValue
				}
				if null == undefinedValue {
					continue // no condition matched inside
				}
				return res, nil, null
			}
		}
		return "", nil, undefinedValue
	case 'n':
		return "", nil, nullValue
	}
	return "", invalidTarget(pj.path, key, "", internal, base), noValue
}

// nullness says whether resolveTarget found nothing: null (a null target) and
// undefined (no condition matched) differ inside condition objects.
type nullness uint8

const (
	noValue        nullness = iota // a result or an error
	nullValue                      // null
	undefinedValue                 // undefined
)

func (r *Resolver) resolveTargetString(pj *pkgJSON, target, subpath, key, base string, pattern, internal bool, conds conditions) (string, *Failure, nullness) {
	if subpath != "" && !pattern && !strings.HasSuffix(target, "/") {
		return "", invalidTarget(pj.path, key, target, internal, base), noValue
	}
	if !strings.HasPrefix(target, "./") {
		if internal && !strings.HasPrefix(target, "../") && !strings.HasPrefix(target, "/") && !looksLikeURL(target) {
			spec := target + subpath
			if pattern {
				spec = strings.ReplaceAll(target, "*", subpath)
			}
			res, f := r.esmPackageResolve(spec, pj.path, conds)
			return res, f, noValue
		}
		return "", invalidTarget(pj.path, key, target, internal, base), noValue
	}
	if invalidSegment.MatchString(target[2:]) {
		return "", invalidTarget(pj.path, key, target, internal, base), noValue
	}
	dir := path.Dir(pj.path)
	resolved := path.Join(dir, target)
	if strings.HasSuffix(target, "/") {
		resolved += "/"
	}
	if resolved != dir && !strings.HasPrefix(resolved, dir+"/") {
		return "", invalidTarget(pj.path, key, target, internal, base), noValue
	}
	if subpath == "" {
		return resolved, nil, noValue
	}
	if invalidSegment.MatchString(subpath) {
		return "", errPkg("ERR_INVALID_MODULE_SPECIFIER", "TypeError", fmt.Sprintf("Invalid module \"%s\" request is not a valid match in pattern \"%s\" for the \"%s\" resolution of %s", strings.ReplaceAll(key, "*", subpath), key, map[bool]string{true: "imports", false: "exports"}[internal], pj.path)), noValue
	}
	if pattern {
		return strings.ReplaceAll(resolved, "*", subpath), nil, noValue
	}
	return resolved + subpath, nil, noValue
}

func looksLikeURL(s string) bool {
	i := strings.Index(s, ":")
	if i <= 0 {
		return false
	}
	for _, c := range s[:i] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
