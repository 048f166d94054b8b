//go:build !linux

package tree

// dirPaths: everything goes through os.Root here.
var dirPaths = []dirPath{{"os.Root", func() func() { return func() {} }}}
