package tree

import "hash/maphash"

// nameTable finds a zip index's node by its cleaned name: an open-addressing hash table
// of node numbers (4 bytes a slot, at most half full), the names themselves being the
// nodes'. It replaces a map[string]int32, whose 24-byte slots, control bytes and
// growth copies were a fifth of a 200,000-entry layer's index. The hash is seeded per
// table (maphash), so an archive cannot choose names that collide.
type nameTable struct {
	seed  maphash.Seed
	slots []int32 // node+1; 0 is empty
	n     int     // names held
}

func newNameTable(hint int) nameTable {
	size := 16
	for size < 2*hint {
		size *= 2
	}
	return nameTable{seed: maphash.MakeSeed(), slots: make([]int32, size)}
}

// find returns the node named name, looking at nodes for the names; -1 when none.
func (t *nameTable) find(nodes []zipNode, name string) int32 {
	mask := len(t.slots) - 1
	for i := int(maphash.String(t.seed, name)) & mask; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return -1
		}
		if nodes[s-1].name == name {
			return s - 1
		}
	}
}

// add records node i, named name, which is not in the table.
func (t *nameTable) add(nodes []zipNode, name string, i int32) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow(nodes)
	}
	t.put(name, i)
	t.n++
}

func (t *nameTable) put(name string, i int32) {
	mask := len(t.slots) - 1
	k := int(maphash.String(t.seed, name)) & mask
	for t.slots[k] != 0 {
		k = (k + 1) & mask
	}
	t.slots[k] = i + 1
}

// grow doubles the table, placing again the nodes it holds.
func (t *nameTable) grow(nodes []zipNode) {
	old := t.slots
	t.slots = make([]int32, 2*len(old))
	for _, s := range old {
		if s != 0 {
			t.put(nodes[s-1].name, s-1)
		}
	}
}
