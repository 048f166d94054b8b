package serverless

import (
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"

	yaml "go.yaml.in/yaml/v4"

	"github.com/layerkit/layerkit/internal/iac"
	"github.com/layerkit/layerkit/internal/model"
)

// Variable resolution for the Serverless Framework v3 syntax, statically
// (lib/configuration/variables: parse.js and sources/*.js):
//
//	${self:a.b}               the service configuration, from its root
//	${file(./x.yml):a.b}      a YAML or JSON file below the service folder (the whole file
//	                          without an address); variables inside it resolve against
//	                          the service configuration, as the framework does
//	${sls:stage}              provider.stage, else "dev"
//	${aws:region}             provider.region, else "us-east-1"
//	${opt:x, 'd'}, ${env:X, 'd'}, ${self:x, ${self:y}}, 'literal', 1, true
//	                          sources after a comma are fallbacks, tried in order
//
// ${opt:...} and ${env:...} have no value here (layerkit does not read the command line
// or the environment of a deploy), so their fallbacks are used; ssm:, cf:, s3:, param:,
// aws:accountId and JavaScript files have no value either. A value without a value is
// unresolved, and the resolver says why (the reference and its cause), so that a
// function is reported as not checked with the real reason.
//
// A variable starts with "${" and a lower-case source name followed by ":" or "(";
// anything else ("${AWS::Region}", "${Bucket}" in a Fn::Sub) is not a variable and stays.
//
// Resolution is bounded against hostile input: every scalar is resolved once (memo),
// and the bytes produced, the nesting depth, the number of resolutions and the files
// read have budgets; past one, loading stops with an *iac.InputError at the value.

// Budgets of one service's variable resolution.
const (
	maxDepth = 48       // variables within variables, files within files
	maxSteps = 200_000  // variable sources resolved
	maxBytes = 32 << 20 // bytes of strings built by interpolation
	maxFiles = 64       // distinct ${file()} files read (together at most --max-template-size)
)

// deref follows aliases.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxDepth; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	if n != nil && n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		return deref(n.Content[0])
	}
	return n
}

// isNull reports a YAML null (absent value).
func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || (n.Tag == "" && (n.Value == "~" || n.Value == "null") && n.Style == 0)))
}

// lookup returns the key and value nodes of key in mapping m (merge keys included).
func lookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	return lookupDepth(m, key, 0)
}

func lookupDepth(m *yaml.Node, key string, depth int) (k, v *yaml.Node) {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode || depth > maxDepth {
		return nil, nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if kn := deref(m.Content[i]); kn != nil && kn.Kind == yaml.ScalarNode && kn.Value == key && kn.Tag != "!!merge" {
			return m.Content[i], m.Content[i+1]
		}
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if kn := m.Content[i]; kn.Kind == yaml.ScalarNode && (kn.Tag == "!!merge" || kn.Value == "<<") {
			src := deref(m.Content[i+1])
			if src == nil {
				continue
			}
			if src.Kind == yaml.SequenceNode {
				for _, s := range src.Content {
					if k, v := lookupDepth(s, key, depth+1); k != nil {
						return k, v
					}
				}
			} else if k, v := lookupDepth(src, key, depth+1); k != nil {
				return k, v
			}
		}
	}
	return nil, nil
}

// pairs lists the key/value nodes of a mapping in order.
func pairs(m *yaml.Node) [][2]*yaml.Node {
	m = deref(m)
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && (k.Tag == "!!merge" || k.Value == "<<") {
			continue
		}
		out = append(out, [2]*yaml.Node{m.Content[i], m.Content[i+1]})
	}
	return out
}

// resolver resolves the variables of one service configuration.
type resolver struct {
	doc  *yaml.Node // the root mapping of serverless.yml
	root string     // the checked folder (absolute)
	dir  string     // the service folder (absolute)
	file string     // serverless.yml, relative to root

	memo   map[*yaml.Node]*resolved // scalars with variables, resolved once
	fileOf map[*yaml.Node]string    // nodes of ${file()} documents → their file, relative to root
	files  map[string]*included     // ${file()} documents by absolute path
	index  map[*yaml.Node]map[string]int
	b      *budget
	depth  int
	at     *yaml.Node // the value being resolved at depth 0, for error positions

	err error  // a budget exceeded or a file outside the checked folder: loading stops
	why string // why the last value() was unresolved
}

// resolved is a memo entry; busy marks a value being resolved (a cycle when met again).
type resolved struct {
	n    *yaml.Node
	why  string
	busy bool
}

type included struct {
	doc *yaml.Node // nil when the file does not exist
	why string     // why it cannot be used
}

// budget is the work variable resolution may do; the services of a repository read
// for their layers (links.go) share one.
type budget struct {
	steps, bytes, files int
	fileBytes           int64
	run                 *RunBudget // what every service of the run shares; nil: no such bound
	lim                 iac.Limits // what the run may read
}

// RunBudget bounds the variable resolution of all the services one run reads together:
// discovery finds every serverless.yml of a repository, and 300 services that each stay
// just under their own bounds would still take minutes. Safe for concurrent loads.
type RunBudget struct {
	bytes, steps atomic.Int64
}

// Bounds of a RunBudget: four services' worth of each per-service bound.
const (
	maxRunBytes = 4 * maxBytes
	maxRunSteps = 4 * maxSteps
)

// NewRunBudget returns the budget that the services loaded with LoadShared share.
func NewRunBudget() *RunBudget { return &RunBudget{} }

// newResolver resolves doc, the configuration file (relative to root) in folder dir;
// b nil gives it a budget of its own.
func newResolver(root, dir, file string, doc *yaml.Node, b *budget) *resolver {
	if b == nil {
		b = &budget{}
	}
	return &resolver{doc: doc, root: root, dir: dir, file: file, b: b,
		memo: map[*yaml.Node]*resolved{}, fileOf: map[*yaml.Node]string{},
		files: map[string]*included{}, index: map[*yaml.Node]map[string]int{}}
}

// fileFor names the file a node comes from, relative to root.
func (r *resolver) fileFor(n *yaml.Node) string {
	if f, ok := r.fileOf[n]; ok {
		return f
	}
	return r.file
}

func (r *resolver) posOf(n *yaml.Node) model.Pos {
	if n == nil {
		return model.Pos{File: r.file}
	}
	return model.Pos{File: r.fileFor(n), Line: n.Line, Col: n.Column}
}

// fail stops loading with an input error at the value being resolved.
func (r *resolver) fail(format string, args ...any) {
	if r.err == nil {
		r.err = iac.Errorf(r.posOf(r.at), format, args...)
	}
}

// value resolves the variables of n: a scalar that is exactly one variable yields the
// node it names (a mapping, a list or a scalar); other scalars are interpolated.
// Mappings and lists come back as they are (their items resolve when read). ok is
// false when a variable has no value; r.why then says why.
func (r *resolver) value(n *yaml.Node) (*yaml.Node, bool) {
	if r.depth == 0 {
		r.at = n
	}
	v, why := r.node(n)
	r.why = why
	return v, why == ""
}

// node is value with the cause of an unresolved value as a string ("" when resolved).
func (r *resolver) node(n *yaml.Node) (*yaml.Node, string) {
	n = deref(n)
	if n == nil {
		return nil, ""
	}
	if r.err != nil {
		return nil, "resolution stopped"
	}
	if n.Kind != yaml.ScalarNode || !strings.Contains(n.Value, "${") {
		return n, ""
	}
	if m := r.memo[n]; m != nil {
		if m.busy {
			return nil, "a variable that refers to itself (" + short(n.Value) + ")"
		}
		return m.n, m.why
	}
	if r.depth >= maxDepth {
		r.fail("variables nested more than %d deep (a value referring to a value referring to ...); layerkit stops here", maxDepth)
		return nil, "resolution stopped"
	}
	m := &resolved{busy: true}
	r.memo[n] = m
	r.depth++
	v, why := r.scalar(n)
	r.depth--
	m.n, m.why, m.busy = v, why, false
	if v != nil && v != n {
		if f, ok := r.fileOf[n]; ok {
			if _, has := r.fileOf[v]; !has {
				r.fileOf[v] = f
			}
		}
	}
	return v, why
}

// scalar resolves a scalar holding at least one "${".
func (r *resolver) scalar(n *yaml.Node) (*yaml.Node, string) {
	s := n.Value
	vars := findVars(s)
	if len(vars) == 0 {
		return n, ""
	}
	if len(vars) == 1 && vars[0][0] == 0 && vars[0][1] == len(s) {
		v, why := r.variable(s)
		if why != "" {
			return nil, why
		}
		if v.Kind == yaml.ScalarNode {
			cp := *n
			cp.Value, cp.Tag, cp.Style = v.Value, v.Tag, v.Style
			return &cp, ""
		}
		return v, ""
	}
	out, why := r.interpolate(s, vars)
	if why != "" {
		return nil, why
	}
	cp := *n
	cp.Value = out
	if !strings.HasPrefix(cp.Tag, "!") || strings.HasPrefix(cp.Tag, "!!") {
		cp.Tag = "!!str" // a custom tag (!Sub) stays
	}
	return &cp, ""
}

// interpolate replaces the variables of s (at the spans vars) by their scalar values.
func (r *resolver) interpolate(s string, vars [][2]int) (string, string) {
	var b strings.Builder
	i := 0
	for _, sp := range vars {
		b.WriteString(s[i:sp[0]])
		v, why := r.variable(s[sp[0]:sp[1]])
		if why != "" {
			return "", why
		}
		if v.Kind != yaml.ScalarNode {
			return "", s[sp[0]:sp[1]] + " is not a string, so it cannot be part of one"
		}
		n := sp[0] - i + len(v.Value)
		if r.b.bytes += n; r.b.bytes > maxBytes {
			r.fail("variables produce more than %d MiB of text (a large value referenced many times, or values that double at each reference); layerkit stops here", maxBytes>>20)
			return "", "resolution stopped"
		}
		if r.b.run != nil && r.b.run.bytes.Add(int64(n)) > maxRunBytes {
			r.fail("the serverless.yml files read in this run together produce more than %d MiB of text from variables; layerkit stops here (check the services one by one, or --exclude the ones that build large values)", maxRunBytes>>20)
			return "", "resolution stopped"
		}
		b.WriteString(v.Value)
		i = sp[1]
	}
	b.WriteString(s[i:])
	return b.String(), ""
}

// interpolateText resolves the variables in s, a param or an address.
func (r *resolver) interpolateText(s string) (string, string) {
	vars := findVars(s)
	if len(vars) == 0 {
		return s, ""
	}
	r.depth++
	defer func() { r.depth-- }()
	if r.depth >= maxDepth {
		r.fail("variables nested more than %d deep; layerkit stops here", maxDepth)
		return "", "resolution stopped"
	}
	return r.interpolate(s, vars)
}

// findVars returns the spans of the top-level variables of s.
func findVars(s string) [][2]int {
	var out [][2]int
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '\\':
			i++
		case s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
			if end, ok := varEnd(s, i); ok {
				out = append(out, [2]int{i, end})
				i = end - 1
			}
		}
	}
	return out
}

// varEnd returns the end of the variable at s[start:] ("${" then a source name and ":"
// or "("), its braces balanced and quotes skipped; ok is false for what is not a
// variable ("${AWS::Region}", "${Name}").
func varEnd(s string, start int) (int, bool) {
	j := start + 2
	if j >= len(s) || s[j] < 'a' || s[j] > 'z' {
		return 0, false
	}
	for j < len(s) && (isAlnum(s[j]) || s[j] == '.') {
		j++
	}
	if j >= len(s) || (s[j] != ':' && s[j] != '(') {
		return 0, false
	}
	level := 1
	var quote byte
	for ; j < len(s); j++ {
		c := s[j]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				j++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '{':
			level++
		case c == '}':
			level--
			if level == 0 {
				return j + 1, true
			}
		}
	}
	return 0, false
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// source is one alternative of a variable: type(params):address, or a literal.
type source struct {
	typ     string
	params  []string
	address string
	literal *yaml.Node
	nested  string // the alternative is itself a variable
	text    string
}

// parseSources splits the inside of a variable into its alternatives.
func parseSources(inner string) []source {
	var out []source
	for _, alt := range splitTop(inner, ',') {
		alt = strings.TrimSpace(alt)
		if alt == "" {
			continue
		}
		src := source{text: alt}
		switch {
		case len(alt) >= 2 && (alt[0] == '\'' || alt[0] == '"') && alt[len(alt)-1] == alt[0]:
			lit := alt[1 : len(alt)-1]
			if alt[0] == '"' {
				if u, err := strconv.Unquote(alt); err == nil {
					lit = u
				}
			}
			src.literal = scalar(lit)
		case strings.HasPrefix(alt, "${"):
			src.nested = alt
		default:
			j := 0
			for j < len(alt) && (isAlnum(alt[j]) || alt[j] == '.') {
				j++
			}
			rest := alt[j:]
			if j == 0 || alt[0] < 'a' || alt[0] > 'z' || rest == "" || rest[0] != ':' && rest[0] != '(' {
				// a bare literal: a number, true, false, null (or a word)
				lit := scalar(alt)
				if alt == "null" {
					lit.Tag = "!!null"
				}
				src.literal = lit
				break
			}
			src.typ = alt[:j]
			if rest[0] == '(' {
				end := closing(rest)
				if end < 0 {
					src.literal = nil
					src.typ = "?" // malformed
					break
				}
				for _, p := range splitTop(rest[1:end], ',') {
					p = strings.TrimSpace(p)
					if len(p) >= 2 && (p[0] == '\'' || p[0] == '"') && p[len(p)-1] == p[0] {
						p = p[1 : len(p)-1]
					}
					src.params = append(src.params, p)
				}
				rest = rest[end+1:]
			}
			if a, ok := strings.CutPrefix(strings.TrimSpace(rest), ":"); ok {
				a = strings.TrimSpace(a)
				if len(a) >= 2 && (a[0] == '\'' || a[0] == '"') && a[len(a)-1] == a[0] {
					a = a[1 : len(a)-1]
				}
				src.address = a
			}
		}
		out = append(out, src)
	}
	return out
}

// closing returns the index of the ")" closing the "(" at s[0], or -1.
func closing(s string) int {
	level := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(' || c == '{':
			level++
		case c == ')' || c == '}':
			level--
			if level == 0 && c == ')' {
				return i
			}
		}
	}
	return -1
}

// variable resolves one variable, "${...}" included, trying its sources in order.
func (r *resolver) variable(v string) (*yaml.Node, string) {
	first := ""
	for _, src := range parseSources(v[2 : len(v)-1]) {
		r.b.steps++
		if r.b.steps > maxSteps {
			r.fail("more than %d variables to resolve (values that fan out to many others); layerkit stops here", maxSteps)
			return nil, "resolution stopped"
		}
		if r.b.run != nil && r.b.run.steps.Add(1) > maxRunSteps {
			r.fail("the serverless.yml files read in this run together have more than %d variables to resolve; layerkit stops here (check the services one by one, or --exclude some)", maxRunSteps)
			return nil, "resolution stopped"
		}
		n, why := r.source(src)
		if r.err != nil {
			return nil, "resolution stopped"
		}
		if why == "" && n != nil && !isNull(n) {
			return n, ""
		}
		if first == "" {
			first = why
			if why == "" {
				first = src.text + " has no value"
			}
		}
	}
	if first == "" {
		first = v + " has no value"
	}
	return nil, first
}

// source resolves one alternative. A nil node with why "" is a null value.
func (r *resolver) source(src source) (*yaml.Node, string) {
	if src.literal != nil {
		return src.literal, ""
	}
	if src.nested != "" {
		vars := findVars(src.nested)
		if len(vars) == 1 && vars[0][0] == 0 && vars[0][1] == len(src.nested) {
			r.depth++
			defer func() { r.depth-- }()
			if r.depth >= maxDepth {
				r.fail("variables nested more than %d deep; layerkit stops here", maxDepth)
				return nil, "resolution stopped"
			}
			return r.variable(src.nested)
		}
		s, why := r.interpolateText(src.nested)
		if why != "" {
			return nil, why
		}
		return scalar(s), ""
	}
	ref := "${" + src.text + "}"
	addr, why := r.interpolateText(src.address)
	if why != "" {
		return nil, why
	}
	switch src.typ {
	case "self":
		return r.walk(r.doc, addr, ref, r.file)
	case "sls":
		switch addr {
		case "stage":
			return r.providerScalar("stage", "dev"), ""
		}
		return nil, ref + " is known only when the framework runs"
	case "aws":
		if addr == "region" {
			return r.providerScalar("region", "us-east-1"), ""
		}
		return nil, ref + " is the deploying AWS account's, known only at deploy time"
	case "opt":
		return nil, ref + " is a command-line option of the deploy, unknown here, and has no default"
	case "env":
		return nil, ref + " comes from the deploy's environment, unknown here, and has no default"
	case "file":
		return r.fileSource(src, addr, ref)
	case "cf", "ssm", "s3", "secretsmanager":
		return nil, ref + " is read from AWS at deploy time"
	case "param":
		// params.<stage>.<name>, else params.default.<name> (v3 stage parameters), or
		// stages.<stage>.params.<name>, else stages.default.params.<name> (v4)
		stage := r.providerScalar("stage", "dev").Value
		for _, p := range []string{"params." + stage, "stages." + stage + ".params", "params.default", "stages.default.params"} {
			if n, why := r.walk(r.doc, p+"."+addr, ref, r.file); why == "" && n != nil {
				return n, ""
			}
		}
		return nil, ref + " is not in params." + stage + " nor params.default; it is a parameter of serverless-compose.yml or the Serverless Dashboard, set at deploy time"
	case "strToBool":
		if len(src.params) == 1 {
			p, why := r.interpolateText(src.params[0])
			if why != "" {
				return nil, why
			}
			switch strings.TrimSpace(p) {
			case "true", "1":
				return scalar("true"), ""
			case "false", "0":
				return scalar("false"), ""
			}
		}
	}
	return nil, ref + " is not a variable source layerkit resolves"
}

// providerScalar is provider.<key> resolved, else def.
func (r *resolver) providerScalar(key, def string) *yaml.Node {
	_, p := lookup(r.doc, "provider")
	if _, st := lookup(r.providerMap(p), key); st != nil {
		v, why := r.node(st)
		if why == "" && v != nil && v.Kind == yaml.ScalarNode && !isNull(v) {
			return v
		}
	}
	return scalar(def)
}

func (r *resolver) providerMap(p *yaml.Node) *yaml.Node {
	v, why := r.node(p)
	if why != "" {
		return nil
	}
	return v
}

// walk follows the dotted path p from n, resolving each step.
func (r *resolver) walk(n *yaml.Node, p, ref, file string) (*yaml.Node, string) {
	v, why := r.node(n)
	if why != "" {
		return nil, why
	}
	if p == "" {
		return v, ""
	}
	for _, part := range strings.Split(p, ".") {
		if v == nil {
			return nil, ref + ": " + file + " has no " + p
		}
		var next *yaml.Node
		switch v.Kind {
		case yaml.MappingNode:
			next = r.lookupFast(v, part)
		case yaml.SequenceNode:
			i, err := strconv.Atoi(part)
			if err == nil && i >= 0 && i < len(v.Content) {
				next = v.Content[i]
			}
		}
		if next == nil {
			return nil, ref + ": " + file + " has no " + p
		}
		v, why = r.node(next)
		if why != "" {
			return nil, why
		}
	}
	if isNull(v) {
		return nil, ref + ": " + p + " is null in " + file
	}
	return v, ""
}

// lookupFast is lookup with an index for large mappings (a hostile file may look up
// the last of 50,000 keys 50,000 times).
func (r *resolver) lookupFast(m *yaml.Node, key string) *yaml.Node {
	if len(m.Content) < 64 {
		_, v := lookup(m, key)
		return v
	}
	idx, ok := r.index[m]
	if !ok {
		idx = map[string]int{}
		for i := 0; i+1 < len(m.Content); i += 2 {
			if kn := deref(m.Content[i]); kn != nil && kn.Kind == yaml.ScalarNode && kn.Tag != "!!merge" && kn.Value != "<<" {
				if _, dup := idx[kn.Value]; !dup {
					idx[kn.Value] = i + 1
				}
			}
		}
		r.index[m] = idx
	}
	if i, ok := idx[key]; ok {
		return m.Content[i]
	}
	_, v := lookup(m, key) // merge keys
	return v
}

// fileSource resolves ${file(path):address}: a YAML or JSON file relative to the
// service folder, inside the checked folder.
func (r *resolver) fileSource(src source, addr, ref string) (*yaml.Node, string) {
	if len(src.params) == 0 || src.params[0] == "" {
		return nil, ref + " names no file"
	}
	p, why := r.interpolateText(src.params[0])
	if why != "" {
		return nil, why
	}
	abs := p
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(r.dir, filepath.FromSlash(p))
	}
	abs = filepath.Clean(abs)
	disp := iac.Rel(r.root, abs)
	if err := r.b.lim.CheckInside(r.root, abs); err != nil {
		r.fail("%s: %v", ref, err)
		return nil, "resolution stopped"
	}
	inc, ok := r.files[abs]
	if !ok {
		inc = r.readFile(abs, disp, ref)
		if r.err != nil {
			return nil, "resolution stopped"
		}
		r.files[abs] = inc
	}
	if inc.doc == nil {
		return nil, inc.why
	}
	return r.walk(inc.doc, addr, ref, disp)
}

// readFile reads and parses a ${file()} document.
func (r *resolver) readFile(abs, disp, ref string) *included {
	switch strings.ToLower(filepath.Ext(abs)) {
	case ".js", ".cjs", ".mjs", ".ts":
		return &included{why: ref + ": " + disp + " is JavaScript, which the framework runs to get the value; layerkit does not run it"}
	}
	if r.b.files++; r.b.files > maxFiles {
		r.fail("%s: more than %d files read through ${file()}; layerkit stops here", ref, maxFiles)
		return nil
	}
	data, err := r.b.lim.ReadConfig(abs)
	if err != nil {
		if strings.Contains(err.Error(), "no such file") {
			return &included{why: ref + ": " + disp + " does not exist"}
		}
		r.fail("%s: cannot read %s: %v", ref, disp, err)
		return nil
	}
	if r.b.fileBytes += int64(len(data)); r.b.fileBytes > r.b.lim.TemplateCap() {
		r.fail("%s: the files read through ${file()} hold more than %d bytes together, the cap on configuration files (--max-template-size); layerkit stops here", ref, r.b.lim.TemplateCap())
		return nil
	}
	switch strings.ToLower(filepath.Ext(abs)) {
	case ".yml", ".yaml", ".json", ".tfstate":
	default:
		return &included{doc: scalar(string(data))} // the framework reads other files as text
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		ie := yamlError(disp, err).(*iac.InputError)
		r.err = ie
		return nil
	}
	top := deref(&doc)
	if top == nil {
		return &included{why: ref + ": " + disp + " is empty"}
	}
	var mark func(n *yaml.Node, depth int)
	mark = func(n *yaml.Node, depth int) {
		if n == nil || depth > 10000 {
			return
		}
		if _, seen := r.fileOf[n]; seen {
			return
		}
		r.fileOf[n] = disp
		if n.Kind == yaml.AliasNode {
			return
		}
		for _, c := range n.Content {
			mark(c, depth+1)
		}
	}
	mark(top, 0)
	return &included{doc: top}
}

func scalar(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// short shortens a value for a message.
func short(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}

// splitTop splits on sep outside quotes, parentheses and braces.
func splitTop(s string, sep byte) []string {
	var out []string
	level, start := 0, 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '{' || c == '(' || c == '[':
			level++
		case c == '}' || c == ')' || c == ']':
			level--
		case c == sep && level == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
