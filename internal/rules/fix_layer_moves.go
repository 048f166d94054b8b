package rules

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/layerkit/layerkit/internal/fix"
	"github.com/layerkit/layerkit/internal/jsscan"
	"github.com/layerkit/layerkit/internal/model"
	"github.com/layerkit/layerkit/internal/resolve"
	"github.com/layerkit/layerkit/internal/tree"
)

// The unsafe layer moves of issue 20 (fix 8, and python/python/ for fix 6): a layer's
// files are moved, in its source folder, so that they land where the runtime looks.
// The moves are worked out on the layer as Lambda sees it (/opt) and carried back to
// the source folder through the build's prefix (SAM BuildMethod nodejsXX.x or
// python3.X puts the folder under nodejs/ or python/).

// layerSource is where the layer l's content comes from in the checked folder: dir is
// the source folder (relative to the checked folder, "." for the folder itself) and
// prefix the folder the build puts it under in /opt ("" when it is deployed as it is).
// ok is false when the content is not a folder of the checked folder, or when the build
// changes it in other ways than a prefix (Node.js with a package.json: npm pack drops
// node_modules, so no move puts code there).
func (p *Pass) layerSource(l *model.Layer) (dir, prefix string, ok bool) {
	if l.Content == nil || l.Content.Opaque || p.Project == nil {
		return "", "", false
	}
	t := l.Content.Tree
	if inner, pre, isMount := tree.Unmount(t); isMount {
		if l.BuildMethod == "" || l.Content.NpmPackage != "" {
			return "", "", false
		}
		t, prefix = inner, pre
	} else if l.BuildMethod != "" {
		return "", "", false
	}
	for {
		u, ok := t.(interface{ Unwrap() tree.Tree })
		if !ok {
			break
		}
		t = u.Unwrap()
	}
	dir, ok = p.folderOf(t)
	return dir, prefix, ok
}

// sourceMoves turns moves between places in /opt into moves in the layer's source
// folder; false when one of them is outside what the source folder makes.
func sourceMoves(dir, prefix string, deployed []model.Move) ([]model.Move, bool) {
	src := func(name string) (string, bool) {
		if prefix != "" {
			rest, ok := strings.CutPrefix(name, prefix+"/")
			if !ok {
				return "", false
			}
			name = rest
		}
		if dir == "." {
			return name, true
		}
		return dir + "/" + name, true
	}
	var out []model.Move
	for _, m := range deployed {
		from, ok1 := src(m.From)
		to, ok2 := src(m.To)
		if !ok1 || !ok2 {
			return nil, false
		}
		out = append(out, model.Move{From: from, To: to, Sum: m.Sum})
	}
	return out, true
}

// moveSet collects moves within one layer tree (names as in /opt), refusing two moves to
// one place and a move onto something that exists.
type moveSet struct {
	t      tree.Tree
	moves  []model.Move
	to     map[string]bool
	failed bool
}

func (s *moveSet) add(from, to string) {
	if s.to == nil {
		s.to = map[string]bool{}
	}
	if _, err := s.t.Stat(to); err == nil || s.to[to] {
		s.failed = true // a person must choose between the two
		return
	}
	for _, m := range s.moves {
		if within(to, m.To) || within(m.To, to) || within(from, m.From) || within(m.From, from) {
			s.failed = true // one move inside another: their order would matter
			return
		}
	}
	m := model.Move{From: from, To: to}
	if b, err := s.t.ReadFile(from); err == nil {
		m.Sum = fix.Sum(b) // a file: moved only while it holds what the check saw
	}
	s.to[to] = true
	s.moves = append(s.moves, m)
}

// within reports whether name is below the folder dir.
func within(name, dir string) bool { return strings.HasPrefix(name, dir+"/") }

// up moves every entry of the folder dir one level up, into its parent (python/python/x
// → python/x); a node_modules folder moves package by package, so that it merges with
// the parent's.
func (s *moveSet) up(dir string) {
	infos, err := s.t.ReadDir(dir)
	if err != nil {
		s.failed = true
		return
	}
	parent := path.Dir(dir)
	for _, e := range infos {
		if e.Dir && e.Name == "node_modules" {
			s.all(dir+"/node_modules", parent+"/node_modules")
			continue
		}
		s.add(dir+"/"+e.Name, parent+"/"+e.Name)
	}
}

// all moves every entry of the folder from into the folder to.
func (s *moveSet) all(from, to string) {
	infos, err := s.t.ReadDir(from)
	if err != nil {
		s.failed = true
		return
	}
	for _, e := range infos {
		s.add(from+"/"+e.Name, to+"/"+e.Name)
	}
}

// nodeLayerMoveFix moves a layer's JavaScript that no Node.js user's NODE_PATH reaches
// into nodejs/node_modules/ (fix 8): files and folders at the layer root (utils.js →
// nodejs/node_modules/utils.js, which require('utils') finds through NODE_PATH; mylib/ →
// nodejs/node_modules/mylib/), the packages of a node_modules/ at the root, code in
// nodejs/ outside node_modules, the packages of nodejs/nodeNN/node_modules for a Node.js
// version no user runs; and the entries of nodejs/nodejs/ one level up (a BuildMethod
// layer whose folder already had nodejs/). What the rule counts as reached (a user
// requires it by absolute path) stays. A user's absolute require of a moved file
// ('/opt/utils') is rewritten to its new place in the same fix; a require layerkit cannot
// follow that names a moved file, or one that is not a plain string on its line, gives
// no fix, and so does an ES module import of a moved loose file's name (ES modules find
// only package folders on NODE_PATH). Unsafe: files move.
func nodeLayerMoveFix(p *Pass, l *model.Layer, users []*Function) *model.Fix {
	majors := map[string]bool{}
	for _, f := range users {
		if !f.Runtime.IsNode() || f.Analysis == nil || len(f.Runtime.NodePath) == 0 || resolutionHook(f) != nil {
			return nil
		}
		majors[strings.SplitN(f.Runtime.Version, ".", 2)[0]] = true
	}
	dir, prefix, ok := p.layerSource(l)
	if !ok {
		return nil
	}
	t := l.Content.Tree
	reached := optReached(users)
	s := &moveSet{t: t}
	root, err := t.ReadDir("")
	if err != nil {
		return nil
	}
	for _, e := range root {
		switch {
		case reached(e.Name, e.Dir):
		case !e.Dir && isJSFile(e.Name):
			s.add(e.Name, "nodejs/node_modules/"+e.Name)
		case e.Dir && e.Name == "node_modules":
			s.all("node_modules", "nodejs/node_modules")
		case e.Dir && e.Name != "nodejs" && holdsJS(t, e.Name):
			s.add(e.Name, "nodejs/node_modules/"+e.Name)
		}
	}
	infos, _ := t.ReadDir("nodejs")
	for _, e := range infos {
		name := "nodejs/" + e.Name
		switch {
		case reached(name, e.Dir):
		case !e.Dir && isJSFile(e.Name):
			s.add(name, "nodejs/node_modules/"+e.Name)
		case e.Dir && e.Name == "node_modules":
		case e.Dir && e.Name == "nodejs":
			s.up(name)
		case e.Dir && isNodeVersionDir(e.Name):
			if !majors[strings.TrimPrefix(e.Name, "node")] && tree.IsDir(t, name+"/node_modules") {
				s.all(name+"/node_modules", "nodejs/node_modules")
			}
		case e.Dir && holdsJS(t, name):
			s.add(name, "nodejs/node_modules/"+e.Name)
		}
	}
	if s.failed || len(s.moves) == 0 || esmLooseFile(users, s.moves) || !relativeKept(t, s.moves) {
		return nil
	}
	edits, ok := absoluteRequireEdits(p, l, users, s.moves)
	if !ok {
		return nil
	}
	moves, ok := sourceMoves(dir, prefix, s.moves)
	if !ok {
		return nil
	}
	return &model.Fix{Title: "move the layer's code into nodejs/node_modules, where NODE_PATH looks: " + moveList(moves), Unsafe: true, Moves: moves, Edits: edits}
}

// relativeKept reports whether every relative import of the moved own code (loose files
// and folders; a package of a node_modules folder moves whole) names the same file after
// the moves as before: a file that requires './data.json' beside it, which stays, would
// break.
func relativeKept(t tree.Tree, moves []model.Move) bool {
	newPlace := func(name string) string {
		for _, m := range moves {
			switch {
			case name == m.From:
				return m.To
			case within(name, m.From):
				return m.To + name[len(m.From):]
			case isJSFile(m.From) && name+path.Ext(m.From) == m.From:
				return strings.TrimSuffix(m.To, path.Ext(m.To))
			}
		}
		return name
	}
	budget := 2000 // files read; a bigger folder gets no fix
	for _, m := range moves {
		if strings.Contains(m.From, "node_modules/") {
			continue
		}
		files, ok := jsFilesUnder(t, m.From, &budget)
		if !ok {
			return false
		}
		for _, f := range files {
			src, err := t.ReadFile(f)
			if err != nil {
				return false
			}
			to := newPlace(f)
			for _, imp := range jsscan.Scan(src).Imports {
				if imp.Spec != "." && imp.Spec != ".." && !strings.HasPrefix(imp.Spec, "./") && !strings.HasPrefix(imp.Spec, "../") {
					continue
				}
				before := path.Join(path.Dir(f), imp.Spec)
				if strings.HasPrefix(before, "../") || before == ".." || newPlace(before) != path.Join(path.Dir(to), imp.Spec) {
					return false
				}
			}
		}
	}
	return true
}

// jsFilesUnder lists the JavaScript files of name (a file, or a folder's at any depth
// outside node_modules), taking each from budget; false when it runs out.
func jsFilesUnder(t tree.Tree, name string, budget *int) ([]string, bool) {
	info, err := t.Stat(name)
	if err != nil {
		return nil, false
	}
	if !info.Dir {
		*budget--
		if isJSFile(name) {
			return []string{name}, *budget >= 0
		}
		return nil, *budget >= 0
	}
	infos, err := t.ReadDir(name)
	if err != nil {
		return nil, false
	}
	var out []string
	for _, e := range infos {
		if e.Dir && e.Name == "node_modules" {
			continue
		}
		sub, ok := jsFilesUnder(t, name+"/"+e.Name, budget)
		if !ok {
			return nil, false
		}
		out = append(out, sub...)
	}
	return out, true
}

// esmLooseFile reports whether a user imports the bare name of a moved loose file with
// an ES module import: Lambda's NODE_PATH lookup for ES modules finds package folders
// only (facts F5, F13), so nodejs/node_modules/utils.js serves require('utils') but not
// import 'utils'; a person must make a package of it.
func esmLooseFile(users []*Function, moves []model.Move) bool {
	loose := map[string]bool{}
	for _, m := range moves {
		if ext := path.Ext(m.To); isJSFile(m.To) && path.Dir(m.To) == "nodejs/node_modules" {
			loose[strings.TrimSuffix(path.Base(m.To), ext)] = true
		}
	}
	for _, f := range users {
		for _, imp := range f.Analysis.Imports() {
			if imp.Found == nil && loose[imp.Module] && !strings.Contains(imp.Stmt, "require") {
				return true
			}
		}
	}
	return false
}

func moveList(moves []model.Move) string {
	var names []string
	for _, m := range moves {
		names = append(names, m.From+" → "+m.To)
	}
	return strings.Join(names, ", ")
}

// absoluteRequireEdits rewrites the absolute imports of the Node.js users that resolve
// to a moved file of l (require('/opt/utils') → require('/opt/nodejs/node_modules/utils')), so
// that what worked still works. false when one cannot be rewritten: a require layerkit
// cannot follow names a moved place, or the specifier is not a plain string on the
// import's line of a file in the checked folder.
func absoluteRequireEdits(p *Pass, l *model.Layer, users []*Function, moves []model.Move) ([]model.Edit, bool) {
	var edits []model.Edit
	for _, f := range users {
		for _, u := range f.Analysis.Unfollowed() {
			for _, m := range moves {
				if strings.Contains(u.Text, "/opt/"+strings.TrimSuffix(m.From, path.Ext(m.From))) {
					return nil, false
				}
			}
		}
		for _, imp := range f.Analysis.Imports() {
			if imp.Found == nil || imp.Found.Place != resolve.Layer || !strings.HasPrefix(imp.Module, "/opt/") {
				continue
			}
			if i := imp.Found.Layer; i < 0 || i >= len(f.Fn.Layers) || f.Fn.Layers[i].Layer != l {
				continue // another layer's file at that path: it stays
			}
			spec := strings.TrimPrefix(path.Clean(imp.Module), "/opt/")
			var to string
			for _, m := range moves {
				switch {
				case spec == m.From || strings.HasPrefix(spec, m.From+"/"):
					to = m.To + spec[len(m.From):]
				case spec+path.Ext(m.From) == m.From:
					to = strings.TrimSuffix(m.To, path.Ext(m.To))
				}
			}
			if to == "" {
				continue
			}
			e, ok := specifierEdit(p, imp.At, imp.Module, "/opt/"+to)
			if !ok {
				return nil, false
			}
			if !slices.Contains(edits, e) {
				edits = append(edits, e)
			}
		}
	}
	return edits, true
}

// specifierEdit replaces the string literal old on the line of at with new; false when
// the line does not hold it exactly once.
func specifierEdit(p *Pass, at resolve.Pos, old, new string) (model.Edit, bool) {
	if at.Tree == nil || at.Line == 0 {
		return model.Edit{}, false
	}
	file := at.Tree.Display(at.File)
	src := p.source(file)
	if src == nil {
		return model.Edit{}, false
	}
	start, ok := fix.Offset(src, at.Line, 1)
	if !ok {
		return model.Edit{}, false
	}
	line := string(src[start:fix.LineEnd(src, start)])
	found := -1
	for _, q := range []string{"'", `"`, "`"} {
		lit := q + old + q
		if n := strings.Count(line, lit); n > 1 || n == 1 && found >= 0 {
			return model.Edit{}, false
		} else if n == 1 {
			found = strings.Index(line, lit) + 1
		}
	}
	if found < 0 {
		return model.Edit{}, false
	}
	return model.Edit{File: file, Sum: fix.Sum(src), Start: start + found, End: start + found + len(old), Old: old, New: new}, true
}

// nestedLayerMoves moves the entries of python/python/ (or nodejs/nodejs/) one level up:
// a SAM BuildMethod layer whose folder already had python/ (or nodejs/), or a layer
// zipped with one folder too many.
func nestedLayerMoves(t tree.Tree, lang string) ([]model.Move, bool) {
	if !tree.IsDir(t, lang+"/"+lang) {
		return nil, false
	}
	s := &moveSet{t: t}
	s.up(lang + "/" + lang)
	if s.failed || len(s.moves) == 0 {
		return nil, false
	}
	return s.moves, true
}

// pythonNestedFix is the unsafe fix of python/python/ for a layer used only by Python
// functions: its entries move one level up (for a SAM BuildMethod python3.X layer, the
// source folder's python/ entries move to the folder itself).
func pythonNestedFix(p *Pass, l *model.Layer, users []*Function) *model.Fix {
	for _, f := range users {
		if !f.Runtime.IsPython() {
			return nil
		}
	}
	dir, prefix, ok := p.layerSource(l)
	if !ok || prefix != "" && prefix != "python" {
		return nil
	}
	deployed, ok := nestedLayerMoves(l.Content.Tree, "python")
	if !ok {
		return nil
	}
	moves, ok := sourceMoves(dir, prefix, deployed)
	if !ok {
		return nil
	}
	return &model.Fix{Title: fmt.Sprintf("move the layer's python/python/ up one level (it lands in /opt/python/python, which Python does not search): %s", moveList(moves)), Unsafe: true, Moves: moves}
}
