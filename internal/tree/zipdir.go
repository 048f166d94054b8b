package tree

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"strings"
	"sync"

	"github.com/klauspost/compress/flate"
)

// The central directory of a zip archive, read in one pass into compact arrays: the
// names in one string, and per entry a fixed-size record (offsets, sizes, CRC, method,
// flags, mode). It replaces archive/zip's per-entry *zip.File (about 250 bytes plus a
// name, an extra field and a comment each), whose index of a 1,000,000-entry archive
// alone held 300 MB. It reads what archive/zip reads, the same way (the tests hold it
// to archive/zip over generated archives, the hostile corpus and a fuzz target):
//
//   - the end record is looked for in the last 1 KiB, then the last 65 KiB, last one
//     first; a zip64 locator just before it leads to the zip64 end record;
//   - a directory offset that, with the data before the archive (a self-extracting
//     stub), points outside the file is refused;
//   - entries are read until a record does not start with the central-directory
//     signature; the archive is refused when the number read differs from the number
//     the end record declares (modulo 65,536: that field is 16 bits);
//   - sizes and the local header offset saturated at 0xFFFFFFFF come from the zip64
//     extra field; a needed one missing is an error.
//
// An entry's bytes are found through its local header (signature checked, its name
// and extra lengths give where the data starts), which must lie inside the archive.

// cdEntry is one central-directory record: 40 bytes.
type cdEntry struct {
	offset  int64  // of the local header, from the start of the file
	csize   uint64 // compressed
	usize   uint64 // uncompressed, as declared
	name    uint32 // start of the raw name in centralDir.names; it ends where the next starts
	crc     uint32
	mode    fs.FileMode // as archive/zip's FileHeader.Mode
	flags   uint16
	method  uint8 // 0 stored, 8 deflated; methodOther for any other (none is read)
	creator uint8 // the "version made by" high byte: 3 Unix, 19 macOS, 0 FAT...
}

// methodOther is cdEntry.method for a compression method past 254: a byte holds every
// method the format defines below that, and only 0 and 8 are read.
const methodOther = 0xff

// entryMethod is how cdEntry.method holds the method m.
func entryMethod(m uint16) uint8 { return uint8(min(m, methodOther)) }

// centralDir is an archive's central directory.
type centralDir struct {
	names   string // every raw name, one after the other
	entries []cdEntry
}

// name returns entry i's name exactly as stored.
func (d *centralDir) name(i int) string {
	end := len(d.names)
	if i+1 < len(d.entries) {
		end = int(d.entries[i+1].name)
	}
	return d.names[d.entries[i].name:end]
}

// perm is the permission an extractor gives the entry: its Unix mode when it was made
// on Unix or macOS (0 included: such a file is unreadable on Lambda too), else def.
func (e *cdEntry) perm(def fs.FileMode) fs.FileMode {
	switch e.creator {
	case 3, 19: // Unix, macOS
		return e.mode.Perm()
	}
	return def
}

// The errors are archive/zip's, for callers that test for them.
var errZipFormat = zip.ErrFormat

const (
	sigEnd      = 0x06054b50
	sigEnd64    = 0x06064b50
	sigLoc64    = 0x07064b50
	sigCentral  = 0x02014b50
	sigLocal    = 0x04034b50
	sigDataDesc = 0x08074b50
	lenEnd      = 22
	lenEnd64    = 56
	lenLoc64    = 20
	lenCentral  = 46
	lenLocal    = 30
)

// readCentralDir reads the central directory of the archive r of size bytes.
func readCentralDir(r io.ReaderAt, size int64) (*centralDir, error) {
	endOff, records, dirSize, dirOff, err := readEnd(r, size)
	if err != nil {
		return nil, err
	}
	if dirSize > 1<<63-1 || dirOff > 1<<63-1 {
		return nil, errZipFormat
	}
	base := endOff - int64(dirSize) - int64(dirOff) // data before the archive
	if o := base + int64(dirOff); o < 0 || o >= size {
		return nil, errZipFormat
	}
	if base > 0 {
		// An end record that implies data before the archive, where the directory
		// read from offset 0 is valid: trust offset 0 (as archive/zip does).
		off := int64(dirOff)
		var e cdEntry
		var scratch []byte
		if _, err := readCentralEntry(bufio.NewReader(io.NewSectionReader(r, off, size-off)), &e, &scratch, nil); err == nil {
			base = 0
		}
	}
	d := &centralDir{}
	if dirSize < uint64(size) && (uint64(size)-dirSize)/lenLocal >= records {
		d.entries = make([]cdEntry, 0, records)
	}
	// The names take what the directory holds beyond its fixed-size records, less
	// extra fields and comments: grown once to that, not doubled (a 200,000-entry
	// layer has 14 MB of names).
	var names strings.Builder
	if dirSize < uint64(size) {
		names.Grow(int(dirSize - min(dirSize, records*lenCentral)))
	}
	start := base + int64(dirOff)
	br := bufio.NewReaderSize(io.NewSectionReader(r, start, size-start), 64<<10)
	var scratch []byte
	for {
		var e cdEntry
		e.name = uint32(min(names.Len(), 1<<32-1))
		_, err = readCentralEntry(br, &e, &scratch, &names)
		// As archive/zip: a record that is not one ends the directory, a directory that
		// runs into the end of the file (no end record after it) is not an archive.
		if err == errZipFormat || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if names.Len() >= 1<<32 {
			return nil, fmt.Errorf("zip: central directory names past 4 GiB")
		}
		e.offset += base
		d.entries = append(d.entries, e)
	}
	if uint16(len(d.entries)) != uint16(records) {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	d.names = names.String()
	return d, nil
}

// readEnd finds the end of central directory record (and the zip64 one when the
// 32-bit record says there is one) and returns its offset and what it declares.
func readEnd(r io.ReaderAt, size int64) (endOff int64, records, dirSize, dirOff uint64, err error) {
	var buf []byte
	for i, n := range []int64{1024, 65 * 1024} {
		n = min(n, size)
		buf = make([]byte, n)
		if _, err := r.ReadAt(buf, size-n); err != nil && err != io.EOF {
			return 0, 0, 0, 0, err
		}
		if p := findEnd(buf); p >= 0 {
			buf, endOff = buf[p:], size-n+int64(p)
			break
		}
		if i == 1 || n == size {
			return 0, 0, 0, 0, errZipFormat
		}
	}
	le := binary.LittleEndian
	records = uint64(le.Uint16(buf[10:]))
	dirSize = uint64(le.Uint32(buf[12:]))
	dirOff = uint64(le.Uint32(buf[16:]))
	if commentLen := int(le.Uint16(buf[20:])); commentLen > len(buf)-lenEnd {
		return 0, 0, 0, 0, errors.New("zip: invalid comment length")
	}
	if records == 0xffff || dirSize == 0xffff || dirOff == 0xffffffff {
		p, err := findEnd64(r, endOff)
		if err == nil && p >= 0 {
			endOff = p
			b := make([]byte, lenEnd64)
			if _, err = r.ReadAt(b, p); err == nil && le.Uint32(b) != sigEnd64 {
				err = errZipFormat
			}
			if err == nil {
				records, dirSize, dirOff = le.Uint64(b[32:]), le.Uint64(b[40:]), le.Uint64(b[48:])
			}
		}
		if err != nil {
			return 0, 0, 0, 0, err
		}
	}
	return endOff, records, dirSize, dirOff, nil
}

// findEnd returns where the last end record in b starts whose comment fits in b; -1
// when there is none.
func findEnd(b []byte) int {
	for i := len(b) - lenEnd; i >= 0; i-- {
		if b[i] == 'P' && b[i+1] == 'K' && b[i+2] == 0x05 && b[i+3] == 0x06 {
			if n := int(b[i+lenEnd-2]) | int(b[i+lenEnd-1])<<8; n+lenEnd+i > len(b) {
				return -1 // a truncated comment
			}
			return i
		}
	}
	return -1
}

// findEnd64 returns the offset of the zip64 end record that the locator before the
// end record at endOff names; -1 when there is no valid locator.
func findEnd64(r io.ReaderAt, endOff int64) (int64, error) {
	off := endOff - lenLoc64
	if off < 0 {
		return -1, nil
	}
	b := make([]byte, lenLoc64)
	if _, err := r.ReadAt(b, off); err != nil {
		return -1, err
	}
	le := binary.LittleEndian
	if le.Uint32(b) != sigLoc64 || le.Uint32(b[4:]) != 0 || le.Uint32(b[16:]) != 1 {
		return -1, nil
	}
	return int64(le.Uint64(b[8:])), nil
}

// readCentralEntry reads one central-directory record from br into e, appending its
// name to names (when not nil). scratch is reused between calls. It returns the name's
// length.
func readCentralEntry(br *bufio.Reader, e *cdEntry, scratch *[]byte, names *strings.Builder) (int, error) {
	// The fixed-size record is read into scratch too: a local array handed to
	// io.ReadFull escapes, an allocation per entry.
	if cap(*scratch) < lenCentral {
		*scratch = make([]byte, lenCentral, 512)
	}
	h := (*scratch)[:lenCentral]
	if _, err := io.ReadFull(br, h); err != nil {
		return 0, err
	}
	le := binary.LittleEndian
	if le.Uint32(h[:]) != sigCentral {
		return 0, errZipFormat
	}
	creatorVersion := le.Uint16(h[4:])
	e.creator = uint8(creatorVersion >> 8)
	e.flags = le.Uint16(h[8:])
	e.method = entryMethod(le.Uint16(h[10:]))
	e.crc = le.Uint32(h[16:])
	csize, usize := le.Uint32(h[20:]), le.Uint32(h[24:])
	e.csize, e.usize = uint64(csize), uint64(usize)
	nameLen, extraLen, commentLen := int(le.Uint16(h[28:])), int(le.Uint16(h[30:])), int(le.Uint16(h[32:]))
	external := le.Uint32(h[38:])
	offset := le.Uint32(h[42:])
	e.offset = int64(offset)
	n := nameLen + extraLen + commentLen // read over h, which is done with
	if cap(*scratch) < n {
		*scratch = make([]byte, n)
	}
	d := (*scratch)[:n]
	if _, err := io.ReadFull(br, d); err != nil {
		return 0, err
	}
	name := d[:nameLen]
	e.mode = zipMode(e.creator, external, len(name) > 0 && name[len(name)-1] == '/')

	needU, needC, needOff := usize == ^uint32(0), csize == ^uint32(0), offset == ^uint32(0)
	for extra := d[nameLen : nameLen+extraLen]; len(extra) >= 4; {
		tag, size := le.Uint16(extra), int(le.Uint16(extra[2:]))
		extra = extra[4:]
		if len(extra) < size {
			break
		}
		field := extra[:size]
		extra = extra[size:]
		if tag != 0x0001 { // zip64
			continue
		}
		// In this order, each only when its 32-bit field is saturated (no closures: this
		// runs for every entry, and they cost an allocation each).
		if needU {
			if len(field) < 8 {
				return 0, errZipFormat
			}
			needU, e.usize, field = false, le.Uint64(field), field[8:]
		}
		if needC {
			if len(field) < 8 {
				return 0, errZipFormat
			}
			needC, e.csize, field = false, le.Uint64(field), field[8:]
		}
		if needOff {
			if len(field) < 8 {
				return 0, errZipFormat
			}
			needOff, e.offset = false, int64(le.Uint64(field))
		}
	}
	// An uncompressed size of 0xFFFFFFFF without zip64 is taken as it is (42.zip).
	if needC || needOff {
		return 0, errZipFormat
	}
	if names != nil {
		names.Write(name)
	}
	return nameLen, nil
}

// zipMode is archive/zip's FileHeader.Mode: the Unix mode for archives made on Unix or
// macOS, the MS-DOS attributes for FAT and NTFS, a folder when the name ends in '/'.
func zipMode(creator uint8, external uint32, slash bool) fs.FileMode {
	var mode fs.FileMode
	switch creator {
	case 3, 19: // Unix, macOS
		m := external >> 16
		mode = fs.FileMode(m & 0o777)
		switch m & 0xf000 {
		case 0x6000:
			mode |= fs.ModeDevice
		case 0x2000:
			mode |= fs.ModeDevice | fs.ModeCharDevice
		case 0x4000:
			mode |= fs.ModeDir
		case 0x1000:
			mode |= fs.ModeNamedPipe
		case 0xa000:
			mode |= fs.ModeSymlink
		case 0xc000:
			mode |= fs.ModeSocket
		}
		if m&0o2000 != 0 {
			mode |= fs.ModeSetgid
		}
		if m&0o4000 != 0 {
			mode |= fs.ModeSetuid
		}
		if m&0o1000 != 0 {
			mode |= fs.ModeSticky
		}
	case 0, 11, 14: // FAT, NTFS, VFAT
		if external&0x10 != 0 {
			mode = fs.ModeDir | 0o777
		} else {
			mode = 0o666
		}
		if external&0x01 != 0 {
			mode &^= 0o222
		}
	}
	if slash {
		mode |= fs.ModeDir
	}
	return mode
}

// dataOffset reads entry e's local header and returns where its compressed data
// starts. The header must carry the local-header signature, and the data must lie
// inside the archive of size bytes.
func (e *cdEntry) dataOffset(r io.ReaderAt, size int64) (int64, error) {
	var h [lenLocal]byte
	if e.offset < 0 || e.offset > size-lenLocal {
		return 0, errors.New("zip: the entry's local header lies outside the archive")
	}
	if _, err := r.ReadAt(h[:], e.offset); err != nil {
		return 0, err
	}
	le := binary.LittleEndian
	if le.Uint32(h[:]) != sigLocal {
		return 0, errZipFormat
	}
	off := e.offset + lenLocal + int64(le.Uint16(h[26:])) + int64(le.Uint16(h[28:]))
	if e.csize > uint64(size) || off > size-int64(e.csize) {
		return 0, errors.New("zip: the entry's data runs past the end of the archive")
	}
	return off, nil
}

// open returns a reader of entry e's inflated bytes (no size or CRC check), its data
// starting at off.
func (e *cdEntry) open(r io.ReaderAt, off int64) (io.ReadCloser, error) {
	sr := io.NewSectionReader(r, off, int64(e.csize))
	switch e.method {
	case 0: // stored
		return io.NopCloser(sr), nil
	case 8: // deflated
		return inflater(sr), nil
	}
	return nil, zip.ErrAlgorithm
}

// inflater returns a pooled inflater reading the deflated bytes of src.
func inflater(src io.Reader) io.ReadCloser {
	if fr, ok := flateReaders.Get().(io.ReadCloser); ok {
		fr.(flate.Resetter).Reset(src, nil)
		return &pooledFlate{fr}
	}
	return &pooledFlate{flate.NewReader(src)}
}

// maxWholeCompressed is the largest compressed entry inflate reads into memory whole
// before inflating it; larger ones are read as they are inflated.
const maxWholeCompressed = 1 << 20

// compressedBufs holds, between reads, what inflate reads an entry's compressed bytes
// into.
var compressedBufs = sync.Pool{New: func() any {
	b := make([]byte, 0, 16<<10)
	return &b
}}

// flateReaders holds inflaters between entry reads, as archive/zip pools its own: a new
// one allocates its 32 KiB window and tables, which was most of what reading the small
// entries of a layer zip allocated.
var flateReaders sync.Pool

// pooledFlate returns its inflater to flateReaders when closed (once).
type pooledFlate struct{ fr io.ReadCloser }

func (p *pooledFlate) Read(b []byte) (int, error) {
	if p.fr == nil {
		return 0, errors.New("zip: read after close")
	}
	return p.fr.Read(b)
}

func (p *pooledFlate) Close() error {
	if p.fr == nil {
		return nil
	}
	err := p.fr.Close()
	flateReaders.Put(p.fr)
	p.fr = nil
	return err
}

var errChecksum = zip.ErrChecksum

// inflate reads entry e, whose data starts at off, into exactly e.usize bytes (in buf
// when it has the room): an error when it inflates to fewer or more, or when its CRC
// (or its data descriptor's) is not what the directory says.
func (e *cdEntry) inflate(r io.ReaderAt, off int64, buf []byte) ([]byte, error) {
	var rd io.ReadCloser
	if e.method == 8 && e.csize <= maxWholeCompressed {
		// The compressed bytes are read with one pread and inflated from memory: the
		// inflater reads a byte source directly, where a section reader would be read
		// through a 4 KiB bufio.Reader (a pread per 4 KiB, and a call per byte).
		cb := compressedBufs.Get().(*[]byte)
		defer compressedBufs.Put(cb)
		if uint64(cap(*cb)) < e.csize {
			*cb = make([]byte, e.csize)
		}
		c := (*cb)[:e.csize]
		if n, err := r.ReadAt(c, off); n < len(c) {
			if err == nil || err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
		rd = inflater(bytes.NewReader(c))
	} else {
		var err error
		if rd, err = e.open(r, off); err != nil {
			return nil, err
		}
	}
	defer rd.Close()
	if uint64(cap(buf)) >= e.usize {
		buf = buf[:e.usize]
	} else {
		buf = make([]byte, e.usize)
	}
	if _, err := io.ReadFull(rd, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	var one [1]byte
	switch k, err := io.ReadAtLeast(rd, one[:], 1); {
	case k > 0:
		return nil, errInflatesPast{e.usize}
	case err != io.EOF:
		return nil, err
	}
	sum := crc32.ChecksumIEEE(buf)
	if e.flags&0x8 != 0 { // a data descriptor follows the data
		var d [16]byte
		desc := io.NewSectionReader(r, off+int64(e.csize), 16)
		if _, err := io.ReadFull(desc, d[:4]); err != nil {
			return nil, io.ErrUnexpectedEOF
		}
		k := 0 // a signature is read over; without one, those 4 bytes were the CRC
		if binary.LittleEndian.Uint32(d[:]) != sigDataDesc {
			k = 4
		}
		if _, err := io.ReadFull(desc, d[k:12]); err != nil {
			return nil, io.ErrUnexpectedEOF
		}
		if crc := binary.LittleEndian.Uint32(d[:]); crc != e.crc || sum != e.crc {
			return nil, errChecksum
		}
	} else if e.crc != 0 && sum != e.crc {
		return nil, errChecksum
	}
	return buf, nil
}

// errInflatesPast is an entry inflating past its declared size.
type errInflatesPast struct{ declared uint64 }

func (e errInflatesPast) Error() string {
	return fmt.Sprintf("entry inflates past its declared size of %d bytes", e.declared)
}
