// Package yamledit makes byte edits of a YAML (or JSON) source at the positions its
// parser reports: add an entry to a mapping, remove an item from a sequence. The source
// is never re-serialized, so comments, key order, quoting and indentation outside the
// edit stay as they are. Each edit is a model.Edit carrying the source's SHA-256, for
// internal/fix to apply.
package yamledit

import (
	"bytes"
	"fmt"
	"strings"

	yaml "go.yaml.in/yaml/v4"

	"github.com/layerkit/layerkit/internal/fix"
	"github.com/layerkit/layerkit/internal/model"
)

// Doc is one YAML or JSON file: its bytes and its node tree.
type Doc struct {
	File string // relative to the checked folder
	Src  []byte
	Root *yaml.Node // the document's top node
	sum  string
}

// Parse reads src (the content of file) as one YAML document.
func Parse(file string, src []byte) (*Doc, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		return nil, err
	}
	if n.Kind != yaml.DocumentNode || len(n.Content) != 1 {
		return nil, fmt.Errorf("%s: not one YAML document", file)
	}
	return &Doc{File: file, Src: src, Root: n.Content[0], sum: fix.Sum(src)}, nil
}

// Lookup follows keys through mappings from the top: the key node and the value node of
// the last key, or nils.
func (d *Doc) Lookup(keys ...string) (key, value *yaml.Node) {
	n := d.Root
	for _, k := range keys {
		key, value = Get(n, k)
		if value == nil {
			return nil, nil
		}
		n = value
	}
	return key, value
}

// Get is the entry k of mapping m (key and value nodes), or nils. A key written twice
// is its last entry: the value the loaders (and CloudFormation) use.
func Get(m *yaml.Node, k string) (key, value *yaml.Node) {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := len(m.Content) - 2; i >= 0; i -= 2 {
		if m.Content[i].Kind == yaml.ScalarNode && m.Content[i].Value == k {
			return m.Content[i], m.Content[i+1]
		}
	}
	return nil, nil
}

// Offset is the byte offset of n in the source.
func (d *Doc) Offset(n *yaml.Node) (int, bool) { return fix.Offset(d.Src, n.Line, n.Column) }

func (d *Doc) edit(start, end int, text string) model.Edit {
	return model.Edit{File: d.File, Sum: d.sum, Start: start, End: end, Old: string(d.Src[start:end]), New: text}
}

// Entry is a mapping entry to add: Key with the scalar Value, or with the one-entry
// mapping SubKey: Value when SubKey is set.
type Entry struct {
	Key, SubKey, Value string
}

// AddEntry adds e as the last entry of the block mapping m (the value of holder, whose
// indentation gives the indentation step), or as the first of a flow mapping ({...}, as
// in JSON) in its flow form.
func (d *Doc) AddEntry(holder, m *yaml.Node, e Entry) (model.Edit, bool) {
	if m == nil || m.Kind != yaml.MappingNode || len(m.Content) < 2 {
		return model.Edit{}, false
	}
	first := m.Content[0]
	at, ok := d.Offset(first)
	if !ok {
		return model.Edit{}, false
	}
	if m.Style&yaml.FlowStyle != 0 {
		text := fmt.Sprintf("%q: %q", e.Key, e.Value)
		if e.SubKey != "" {
			text = fmt.Sprintf("%q: {%q: %q}", e.Key, e.SubKey, e.Value)
		}
		ls := fix.LineStart(d.Src, at)
		if indent := d.Src[ls:at]; first.Line > m.Line && len(bytes.TrimLeft(indent, " \t")) == 0 {
			text += ",\n" + string(indent)
		} else {
			text += ", "
		}
		return d.edit(at, at, text), true
	}
	indent := first.Column - 1
	if ls := fix.LineStart(d.Src, at); strings.TrimLeft(string(d.Src[ls:at]), " ") != "" {
		return model.Edit{}, false // a key after "- " or on the holder's line: not a plain block
	}
	step := 2
	if holder != nil && holder.Column < first.Column {
		step = first.Column - holder.Column
	}
	last := m.Content[len(m.Content)-2]
	lastAt, ok := d.Offset(last)
	if !ok {
		return model.Edit{}, false
	}
	end := d.blockEnd(lastAt, indent, false)
	nl := "\n"
	if le := fix.LineEnd(d.Src, at); le >= 2 && d.Src[le-1] == '\n' && d.Src[le-2] == '\r' {
		nl = "\r\n" // the file's own line ends
	}
	pad := strings.Repeat(" ", indent)
	text := pad + e.Key + ": " + e.Value + nl
	if e.SubKey != "" {
		text = pad + e.Key + ":" + nl + pad + strings.Repeat(" ", step) + e.SubKey + ": " + e.Value + nl
	}
	if end > 0 && d.Src[end-1] != '\n' {
		text = nl + text
	}
	return d.edit(end, end, text), true
}

// blockEnd is where the block that starts on the line holding at ends: the start of the
// first later line with content indented less than indent, or exactly indent (unless
// dashes is false and the line is a sequence item: a mapping's last value may be a
// sequence written at the key's indentation, "Layers:\n- !Ref A"); the blank lines and
// the comments indented no more than indent before that line are left to what follows.
func (d *Doc) blockEnd(at, indent int, dashes bool) int {
	src := d.Src
	end := fix.LineEnd(src, at)
	content := end // just past the last line with content that belongs to the block
	for pos := end; pos < len(src); {
		next := fix.LineEnd(src, pos)
		line := string(src[pos:next])
		body := strings.TrimLeft(line, " ")
		trimmed := strings.TrimSpace(body)
		ind := len(line) - len(body)
		switch {
		case strings.HasPrefix(trimmed, "#") && ind > indent:
			content = next // a comment indented into the block is part of it
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
			// blank, or a comment at the block's level or less: belongs to what follows
		case strings.HasPrefix(line, "---") || strings.HasPrefix(line, "..."):
			return content
		default:
			if ind < indent || ind == indent && (dashes || !strings.HasPrefix(body, "-")) {
				return content
			}
			content = next
		}
		pos = next
	}
	return content
}

// RemoveItem removes item i of the sequence seq: its whole line(s) in a block sequence,
// the item and one comma next to it in a flow sequence ([a, b, a]).
func (d *Doc) RemoveItem(seq *yaml.Node, i int) (model.Edit, bool) {
	if seq == nil || seq.Kind != yaml.SequenceNode || i < 0 || i >= len(seq.Content) || len(seq.Content) < 2 {
		return model.Edit{}, false
	}
	at, ok := d.Offset(seq.Content[i])
	if !ok {
		return model.Edit{}, false
	}
	if seq.Style&yaml.FlowStyle != 0 {
		return d.removeFlowItem(seq, i, at)
	}
	ls := fix.LineStart(d.Src, at)
	lead := string(d.Src[ls:at])
	dash := strings.TrimRight(lead, " ")
	if !strings.HasSuffix(dash, "-") || strings.TrimLeft(dash, " ") != "-" {
		return model.Edit{}, false // "- - x", "key: - x": not one item on its own line
	}
	indent := len(dash) - 1
	// The item's lines end at the next line indented no more than its dash.
	end := d.blockEnd(at, indent, true)
	return d.edit(ls, end, ""), true
}

func (d *Doc) removeFlowItem(seq *yaml.Node, i, at int) (model.Edit, bool) {
	itemEnd, ok := flowItemEnd(d.Src, at)
	if !ok {
		return model.Edit{}, false
	}
	if i > 0 {
		// from the comma after the previous item to the end of this one
		j := at - 1
		for j >= 0 && isSpace(d.Src[j]) {
			j--
		}
		if j < 0 || d.Src[j] != ',' {
			return model.Edit{}, false
		}
		return d.edit(j, itemEnd, ""), true
	}
	// the first item: up to the start of the next
	next, ok := d.Offset(seq.Content[1])
	if !ok || next < itemEnd {
		return model.Edit{}, false
	}
	between := strings.TrimSpace(string(d.Src[itemEnd:next]))
	if between != "," {
		return model.Edit{}, false
	}
	return d.edit(at, next, ""), true
}

// flowItemEnd is the end of the flow item that starts at at: before the ',' or the
// closing bracket that ends it (outside quotes and nested brackets), trailing spaces
// left out.
func flowItemEnd(src []byte, at int) (int, bool) {
	depth := 0
	var quote byte
	for j := at; j < len(src); j++ {
		c := src[j]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				j++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[' || c == '{':
			depth++
		case (c == ']' || c == '}') && depth > 0:
			depth--
		case c == ',' && depth == 0, c == ']' && depth == 0, c == '}' && depth == 0:
			k := j
			for k > at && isSpace(src[k-1]) {
				k--
			}
			return k, true
		case c == '#' && j > 0 && isSpace(src[j-1]):
			return 0, false // a comment inside the list: leave it to a person
		}
	}
	return 0, false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
