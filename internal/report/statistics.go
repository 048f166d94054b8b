package report

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteStatistics prints how many findings each rule has, most first (ties by code),
// then the summary line: what --statistics shows.
func WriteStatistics(w io.Writer, in Input) error {
	in = escapeInput(in)
	type row struct {
		code, name string
		n          int
	}
	rows := map[string]*row{}
	for _, f := range in.Findings {
		code := f.Code.String()
		r := rows[code]
		if r == nil {
			r = &row{code: code, name: f.Code.Name()}
			rows[code] = r
		}
		r.n++
	}
	list := make([]*row, 0, len(rows))
	for _, r := range rows {
		list = append(list, r)
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].code < list[j].code
	})
	var b strings.Builder
	for _, r := range list {
		fmt.Fprintf(&b, "%6d  %s  %s\n", r.n, r.code, r.name)
	}
	fmt.Fprintf(&b, "%s\n", in.Summary.line())
	_, err := io.WriteString(w, b.String())
	return err
}
