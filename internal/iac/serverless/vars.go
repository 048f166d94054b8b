package serverless

import (
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v4"
)

// Variable resolution for the ${...} syntax, statically: ${self:a.b}, quoted and
// numeric literals, ${sls:stage} (provider.stage, else "dev"), and the fallbacks after
// a comma. ${opt:...} and ${env:...} have no value here (layerkit does not read the
// command line or the environment of a deploy), so their defaults are used; ssm:, cf:,
// s3:, file(...) and the like have no value either. Anything without a value is
// unknown.

const maxDepth = 16

// deref follows aliases.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxDepth; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
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

type resolver struct {
	doc   *yaml.Node // the root mapping
	steps int        // variables resolved so far; bounded against hostile input
}

// maxSteps bounds the work of resolving one file (variables referencing variables
// can otherwise multiply exponentially).
const maxSteps = 20000

// value resolves the variables of n: a scalar that is exactly one ${...} naming a
// node yields that node; other scalars are interpolated. ok is false when a variable
// has no value. Mappings and sequences come back as they are.
func (r *resolver) value(n *yaml.Node, depth int) (*yaml.Node, bool) {
	n = deref(n)
	if n == nil || depth > maxDepth {
		return nil, n == nil
	}
	if n.Kind != yaml.ScalarNode || !strings.Contains(n.Value, "${") {
		return n, true
	}
	s := n.Value
	if start, end, ok := nextVar(s, 0); ok && start == 0 && end == len(s) {
		v, ok := r.expr(s[2:end-1], depth+1)
		if !ok {
			return nil, false
		}
		v = deref(v)
		if v.Kind == yaml.ScalarNode {
			cp := *n
			cp.Value, cp.Tag, cp.Style = v.Value, v.Tag, v.Style
			return &cp, true
		}
		return v, true
	}
	out, ok := r.interpolate(s, depth+1)
	if !ok {
		return nil, false
	}
	cp := *n
	cp.Value, cp.Tag = out, "!!str"
	return &cp, true
}

// interpolate replaces every ${...} in s by its (scalar) value.
func (r *resolver) interpolate(s string, depth int) (string, bool) {
	if depth > maxDepth {
		return "", false
	}
	var b strings.Builder
	i := 0
	for {
		start, end, ok := nextVar(s, i)
		if !ok {
			b.WriteString(s[i:])
			return b.String(), true
		}
		b.WriteString(s[i:start])
		v, ok := r.expr(s[start+2:end-1], depth+1)
		if !ok {
			return "", false
		}
		v = deref(v)
		if v == nil || v.Kind != yaml.ScalarNode {
			return "", false
		}
		b.WriteString(v.Value)
		i = end
	}
}

// nextVar finds the next ${...} at or after from, with nested braces balanced.
func nextVar(s string, from int) (start, end int, ok bool) {
	i := strings.Index(s[from:], "${")
	if i < 0 {
		return 0, 0, false
	}
	start = from + i
	level := 0
	for j := start + 1; j < len(s); j++ {
		switch s[j] {
		case '{':
			level++
		case '}':
			level--
			if level == 0 {
				return start, j + 1, true
			}
		}
	}
	return 0, 0, false
}

// expr resolves the inside of ${...}: alternatives separated by top-level commas.
func (r *resolver) expr(e string, depth int) (*yaml.Node, bool) {
	r.steps++
	if depth > maxDepth || r.steps > maxSteps {
		return nil, false
	}
	for _, alt := range splitTop(e) {
		alt = strings.TrimSpace(alt)
		if alt == "" {
			continue
		}
		// quoted literal (no nested resolution inside quotes)
		if len(alt) >= 2 && (alt[0] == '\'' || alt[0] == '"') && alt[len(alt)-1] == alt[0] {
			return scalar(alt[1 : len(alt)-1]), true
		}
		if strings.Contains(alt, "${") {
			in, ok := r.interpolate(alt, depth+1)
			if !ok {
				continue
			}
			alt = in
		}
		if _, err := strconv.ParseFloat(alt, 64); err == nil || alt == "true" || alt == "false" {
			return scalar(alt), true
		}
		src, arg, hasSrc := strings.Cut(alt, ":")
		if !hasSrc {
			continue
		}
		switch strings.TrimSpace(src) {
		case "self":
			if v, ok := r.self(strings.TrimSpace(arg), depth+1); ok {
				return v, true
			}
		case "sls":
			if strings.TrimSpace(arg) == "stage" {
				if _, st := lookup(r.providerNode(), "stage"); st != nil {
					if v, ok := r.value(st, depth+1); ok && v != nil && v.Kind == yaml.ScalarNode && !isNull(v) {
						return v, true
					}
				}
				return scalar("dev"), true
			}
		}
	}
	return nil, false
}

func (r *resolver) providerNode() *yaml.Node {
	_, p := lookup(r.doc, "provider")
	return p
}

// self looks up a dotted path from the document root.
func (r *resolver) self(p string, depth int) (*yaml.Node, bool) {
	n := r.doc
	if p == "" {
		return n, true
	}
	for _, part := range strings.Split(p, ".") {
		v, ok := r.value(n, depth+1)
		if !ok || v == nil {
			return nil, false
		}
		switch v.Kind {
		case yaml.MappingNode:
			_, n = lookup(v, part)
		case yaml.SequenceNode:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(v.Content) {
				return nil, false
			}
			n = v.Content[i]
		default:
			return nil, false
		}
		if n == nil {
			return nil, false
		}
	}
	v, ok := r.value(n, depth+1)
	if !ok || v == nil || isNull(v) {
		return nil, false
	}
	return v, true
}

func scalar(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
}

// splitTop splits on commas outside quotes and braces.
func splitTop(s string) []string {
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
		case c == ',' && level == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
