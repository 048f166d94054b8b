package live

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Cache holds downloaded packages on disk, named by the SHA-256 of their bytes, so
// content shared by many functions (a layer version, identical code) is downloaded
// once, and a second doctor run downloads nothing that did not change. Files are
// written to a temporary name and renamed into place only after their digest was
// checked, so a file in the cache always has the digest it is named after.
type Cache struct {
	dir string
}

// DefaultCacheDir is $LAYERKIT_CACHE_DIR, else layerkit/downloads in the user cache
// folder (~/.cache on Linux, ~/Library/Caches on macOS, %LocalAppData% on Windows).
func DefaultCacheDir(getenv func(string) string) (string, error) {
	if d := getenv("LAYERKIT_CACHE_DIR"); d != "" {
		return d, nil
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("no cache folder: %w (set LAYERKIT_CACHE_DIR or pass --cache-dir)", err)
	}
	return filepath.Join(base, "layerkit", "downloads"), nil
}

// OpenCache returns the cache in dir, making the folders that do not exist yet with
// mode 0700 (deployed code is private). A folder that already exists keeps its mode:
// doctor never changes the mode of a folder it did not create (a shared 1777 cache
// stays shared; every cached file is 0600 anyway).
func OpenCache(dir string) (*Cache, error) {
	if err := mkdirPrivate(dir); err != nil {
		return nil, fmt.Errorf("cache folder: %w", err)
	}
	return &Cache{dir: dir}, nil
}

// mkdirPrivate makes dir and its missing parents with mode 0700, and chmods to 0700
// (past the umask) only the folders this call created.
func mkdirPrivate(dir string) error {
	st, err := os.Stat(dir)
	if err == nil {
		if !st.IsDir() {
			return &os.PathError{Op: "mkdir", Path: dir, Err: syscall.ENOTDIR}
		}
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if parent := filepath.Dir(dir); parent != dir {
		if err := mkdirPrivate(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o700); err != nil {
		if errors.Is(err, fs.ErrExist) { // made by someone else meanwhile: not ours
			if st, err2 := os.Stat(dir); err2 == nil && st.IsDir() {
				return nil
			}
		}
		return err
	}
	return os.Chmod(dir, 0o700)
}

// Dir is the cache folder.
func (c *Cache) Dir() string { return c.dir }

func (c *Cache) path(sum []byte) string {
	return filepath.Join(c.dir, hex.EncodeToString(sum)+".zip")
}

// lookup returns the path of the cached content with digest sum, after checking the
// file still has that digest (a damaged file is removed); ok is false when absent.
func (c *Cache) lookup(sum []byte) (string, bool) {
	p := c.path(sum)
	f, err := os.Open(p)
	if err != nil {
		return "", false
	}
	h := sha256.New()
	_, err = io.Copy(h, f)
	f.Close()
	if err != nil || !bytes.Equal(h.Sum(nil), sum) {
		os.Remove(p)
		return "", false
	}
	return p, true
}

// create returns a temporary file in the cache folder.
func (c *Cache) create() (*os.File, error) {
	return os.CreateTemp(c.dir, ".part-*")
}

// commit moves a verified temporary file into place.
func (c *Cache) commit(tmp string, sum []byte) (string, error) {
	p := c.path(sum)
	if err := os.Chmod(tmp, 0o600); err != nil {
		return "", err
	}
	if err := os.Rename(tmp, p); err != nil {
		if _, err2 := os.Stat(p); err2 == nil { // someone else put it there
			os.Remove(tmp)
			return p, nil
		}
		return "", err
	}
	return p, nil
}

var errNoDigest = errors.New("Lambda reported no usable CodeSha256")
