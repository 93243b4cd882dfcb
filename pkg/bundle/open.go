package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Bundle is a bundle read into memory, not verified yet.
type Bundle struct {
	// files maps each path to its bytes (the first entry of a path, when it repeats).
	files map[string][]byte
	// problems are what is wrong with the archive's entries themselves: repeated, unsafe or
	// special paths. The manifest check reports them.
	problems []string
	// manifest is manifest.json, parsed; manifestBytes its exact bytes.
	manifest      Manifest
	manifestBytes []byte
}

// Open reads a bundle from r. It fails, naming what is wrong, when r is not a gzip-compressed
// tar file or has no readable manifest.json; everything else is for Verify to report.
func Open(r io.Reader) (*Bundle, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("bundle: not a gzip-compressed file: %w", err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	b := &Bundle{files: map[string][]byte{}}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("bundle: not a readable tar archive: %w", err)
		}
		name := h.Name
		switch {
		case h.Typeflag == tar.TypeDir:
			continue
		case h.Typeflag != tar.TypeReg:
			b.problems = append(b.problems, fmt.Sprintf("%s is not a regular file", name))
			continue
		case !safePath(name):
			b.problems = append(b.problems, fmt.Sprintf("unsafe path %q refused", name))
			continue
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("bundle: reading %s: %w", name, err)
		}
		if _, dup := b.files[name]; dup {
			b.problems = append(b.problems, fmt.Sprintf("%s appears twice in the archive", name))
			continue
		}
		b.files[name] = data
	}
	mb, ok := b.files[pathManifest]
	if !ok {
		return nil, fmt.Errorf("bundle: %s is missing: this is not a govboard results bundle", pathManifest)
	}
	dec := json.NewDecoder(bytes.NewReader(mb))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b.manifest); err != nil {
		return nil, fmt.Errorf("bundle: %s: %w", pathManifest, err)
	}
	if b.manifest.Format != Format {
		return nil, fmt.Errorf("bundle: %s: format %q is not %q", pathManifest, b.manifest.Format, Format)
	}
	b.manifestBytes = mb
	return b, nil
}

// safePath reports whether p is a clean relative path inside the bundle: no "..", no
// absolute path, no backslash, no empty or "." element.
func safePath(p string) bool {
	if p == "" || strings.ContainsAny(p, "\\\x00") || path.IsAbs(p) || path.Clean(p) != p {
		return false
	}
	for _, el := range strings.Split(p, "/") {
		if el == ".." || el == "." || el == "" {
			return false
		}
	}
	return true
}

// Manifest returns the bundle's manifest (as it says, not checked).
func (b *Bundle) Manifest() Manifest { return b.manifest }

// readJSON decodes the bundle's file p into v, strictly; the error names the file.
func (b *Bundle) readJSON(p string, v any) error {
	data, ok := b.files[p]
	if !ok {
		return fmt.Errorf("%s is missing", p)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %v", p, err)
	}
	return nil
}
