package jwtauth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// InsecureKeyFileError is returned when a private key file can be read by its group or by
// others. govboard refuses such a file rather than warn, like OpenSSH does: a leaked signing
// key lets anyone mint an admin token. Fix it with chmod 600.
type InsecureKeyFileError struct {
	// Path is the key file.
	Path string
	// Mode is its permission bits.
	Mode fs.FileMode
}

// Error describes the problem and the fix.
func (e *InsecureKeyFileError) Error() string {
	return fmt.Sprintf("jwtauth: key file %s has mode %04o and is readable by group or others; run: chmod 600 %s",
		e.Path, e.Mode.Perm(), e.Path)
}

// LoadEd25519 reads an Ed25519 private key stored as a PKCS#8 PEM block ("PRIVATE KEY", as
// written by LoadOrCreateEd25519 or `openssl genpkey -algorithm ed25519`). It refuses a file
// that group or others may read (*InsecureKeyFileError). Errors name the path; a missing file
// gives an error matching fs.ErrNotExist.
func LoadEd25519(path string) (ed25519.PrivateKey, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("jwtauth: read signing key: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("jwtauth: read signing key: %w", err)
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		return nil, &InsecureKeyFileError{Path: path, Mode: info.Mode().Perm()}
	}
	data, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		return nil, fmt.Errorf("jwtauth: read signing key %s: %w", path, err)
	}
	return parseEd25519PEM(path, data)
}

// parseEd25519PEM decodes the PKCS#8 PEM data read from path.
func parseEd25519PEM(path string, data []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("jwtauth: signing key %s: no PEM \"PRIVATE KEY\" block (want PKCS#8 Ed25519)", path)
	}
	key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("jwtauth: signing key %s: %w", path, err)
	}
	priv, ok := key.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("jwtauth: signing key %s: is a %T, not an Ed25519 key", path, key)
	}
	return priv, nil
}

// LoadOrCreateEd25519 loads the Ed25519 private key at path, or, when there is no file, generates
// one and writes it there as PKCS#8 PEM with mode 0600, creating missing parent directories with
// mode 0700. The file appears atomically and is never overwritten: when several processes start
// at once, one key wins and all of them return it. created reports whether this call wrote the
// file. An existing file is read with LoadEd25519's checks.
func LoadOrCreateEd25519(path string) (priv ed25519.PrivateKey, created bool, err error) {
	priv, err = LoadEd25519(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return priv, false, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("jwtauth: create signing key %s: %w", path, err)
	}
	_, priv, err = ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, false, fmt.Errorf("jwtauth: create signing key %s: %w", path, err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, false, fmt.Errorf("jwtauth: create signing key %s: %w", path, err)
	}
	data := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	err = writeNew(path, data)
	if errors.Is(err, fs.ErrExist) { // another process created it first: use theirs
		priv, err = LoadEd25519(path)
		return priv, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("jwtauth: create signing key %s: %w", path, err)
	}
	return priv, true, nil
}

// writeNew writes data to a new file at path with mode 0600: it fills a temporary file in the
// same directory, flushes it, then hard-links it into place, which fails with fs.ErrExist rather
// than replace a file that appeared meanwhile.
func writeNew(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*") // created with mode 0600
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil { // make the new directory entry durable
		_ = d.Sync()
		d.Close()
	}
	return nil
}
