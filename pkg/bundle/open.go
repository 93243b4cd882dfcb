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
	"regexp"
	"strings"
)

// Limits bound what Open reads from an archive, so that a bundle from anywhere cannot make the
// verifier decompress or hold more than it means to: a gzip-compressed tar of a few kilobytes
// can declare entries of many gigabytes.
type Limits struct {
	// MaxTotal is the most bytes all the archive's entries may declare together (entries
	// skipped unread included).
	MaxTotal int64
	// MaxEntry is the most bytes one entry may declare.
	MaxEntry int64
	// MaxEntries is the most entries the archive may hold.
	MaxEntries int
}

// DefaultLimits are the limits of Open: 1 GiB in all, 512 MiB per file, 100,000 entries.
var DefaultLimits = Limits{MaxTotal: 1 << 30, MaxEntry: 512 << 20, MaxEntries: 100_000}

// Bundle is a bundle read into memory, not verified yet.
type Bundle struct {
	// files maps each path to its bytes (the first entry of a path, when it repeats).
	files map[string][]byte
	// problems are what is wrong with the archive's entries themselves: repeated, unsafe,
	// special or unknown paths. The manifest check reports them.
	problems []string
	// manifest is manifest.json, parsed; manifestBytes its exact bytes.
	manifest      Manifest
	manifestBytes []byte
}

// Open reads a bundle from r within DefaultLimits; see OpenLimited.
func Open(r io.Reader) (*Bundle, error) { return OpenLimited(r, DefaultLimits) }

// OpenLimited reads a bundle from r. It fails, naming what is wrong, when r is not a
// gzip-compressed tar file, exceeds lim (refused from the entries' headers, before their
// bytes are read) or has no readable manifest.json; everything else is for Verify to report.
// Only the paths of the bundle layout (see the package comment) are read: any other entry is
// skipped unread and reported by the manifest check.
func OpenLimited(r io.Reader, lim Limits) (*Bundle, error) {
	lim = lim.withDefaults()
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("bundle: not a gzip-compressed file: %w", err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	b := &Bundle{files: map[string][]byte{}}
	var total int64
	for n := 1; ; n++ {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("bundle: not a readable tar archive: %w", err)
		}
		name := h.Name
		switch {
		case n > lim.MaxEntries:
			return nil, fmt.Errorf("bundle: the archive holds more than %d entries: refused", lim.MaxEntries)
		case h.Size < 0 || h.Size > lim.MaxEntry:
			return nil, fmt.Errorf("bundle: %.200q is %d bytes, over the limit of %d bytes per file: refused", name, h.Size, lim.MaxEntry)
		case h.Size > lim.MaxTotal-total:
			return nil, fmt.Errorf("bundle: the archive's entries exceed the limit of %d bytes in all (at %.200q, %d bytes): refused",
				lim.MaxTotal, name, h.Size)
		}
		total += h.Size
		switch {
		case h.Typeflag == tar.TypeDir:
			continue
		case h.Typeflag != tar.TypeReg:
			b.problems = append(b.problems, fmt.Sprintf("%.200s is not a regular file", name))
			continue
		case !safePath(name):
			b.problems = append(b.problems, fmt.Sprintf("unsafe path %.200q refused", name))
			continue
		case !knownPath(name):
			b.problems = append(b.problems, fmt.Sprintf("%.200s is not a file of the bundle layout: refused unread", name))
			continue
		}
		// The header's size is within the limits (checked above), and tar reads an entry to
		// exactly that size: one allocation of it, no more.
		data := make([]byte, h.Size)
		if _, err := io.ReadFull(tr, data); err != nil {
			return nil, fmt.Errorf("bundle: reading %s (%d bytes declared): %w", name, h.Size, err)
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

// withDefaults returns lim with each zero limit replaced by DefaultLimits', and the per-file
// limit no higher than the total.
func (lim Limits) withDefaults() Limits {
	if lim.MaxTotal <= 0 {
		lim.MaxTotal = DefaultLimits.MaxTotal
	}
	if lim.MaxEntry <= 0 {
		lim.MaxEntry = DefaultLimits.MaxEntry
	}
	if lim.MaxEntries <= 0 {
		lim.MaxEntries = DefaultLimits.MaxEntries
	}
	lim.MaxEntry = min(lim.MaxEntry, lim.MaxTotal)
	return lim
}

// The paths of the bundle layout besides the fixed ones (wire.go).
var (
	contestFilePath = regexp.MustCompile(`^contests/[1-9][0-9]{0,18}/result\.json$`)
	roundFilePath   = regexp.MustCompile(`^contests/[1-9][0-9]{0,18}/round-[1-9][0-9]{0,8}/` +
		`(count\.json|report\.json|report\.txt|ballots\.json|ballots\.blt|roll\.json|seed\.json)$`)
)

// knownPath reports whether p is a file of the bundle layout.
func knownPath(p string) bool {
	switch p {
	case pathReadme, pathManifest, pathSig, pathKey, pathKeyPEM, pathElection, pathCharter, pathChain, pathEntries, pathHead:
		return true
	}
	return contestFilePath.MatchString(p) || roundFilePath.MatchString(p)
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
