package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"runtime"
	"strings"
	"testing"
)

// tarGz writes entries (name, declared size, bytes actually written) as a tar.gz; a short
// entry leaves the archive truncated there, as a bomb's header may promise more than follows.
func tarGz(t *testing.T, entries []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	tw := tar.NewWriter(zw)
	for _, e := range entries {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: e.name, Mode: 0o644, Size: e.size}); err != nil {
			t.Fatal(err)
		}
		if e.data != nil {
			if _, err := tw.Write(e.data); err != nil {
				t.Fatal(err)
			}
		}
		if int64(len(e.data)) < e.size {
			tw.Flush() // refused: the entry is short; the archive ends here
			break
		}
	}
	tw.Close()
	zw.Close()
	return buf.Bytes()
}

type tarEntry struct {
	name string
	size int64
	data []byte
}

func TestOpenLimits(t *testing.T) {
	_, good := untar(t, writeTest(t))
	manifest := tarEntry{pathManifest, int64(len(good[pathManifest])), good[pathManifest]}
	zeros := bytes.Repeat([]byte{0}, 16<<20)
	tests := []struct {
		name    string
		entries []tarEntry
		lim     Limits
		want    string
	}{
		{name: "a huge entry (gzip bomb)", entries: []tarEntry{manifest, {"contests/11/round-1/ballots.json", 8 << 30, zeros}},
			want: `"contests/11/round-1/ballots.json" is 8589934592 bytes, over the limit of 536870912 bytes per file`},
		{name: "a huge unknown entry is not even skipped", entries: []tarEntry{{"junk.bin", 64 << 30, zeros}, manifest},
			want: `"junk.bin" is 68719476736 bytes, over the limit`},
		{name: "total", lim: Limits{MaxTotal: 20 << 20},
			entries: []tarEntry{manifest, {"contests/11/round-1/ballots.json", 16 << 20, zeros}, {"contests/11/round-1/ballots.blt", 16 << 20, zeros}},
			want:    "the archive's entries exceed the limit of 20971520 bytes in all (at \"contests/11/round-1/ballots.blt\""},
		{name: "entries", lim: Limits{MaxEntries: 3},
			entries: []tarEntry{manifest, {"a", 1, []byte("x")}, {"b", 1, []byte("x")}, {"c", 1, []byte("x")}},
			want:    "more than 3 entries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := tarGz(t, tt.entries)
			if len(data) > 1<<20 {
				t.Fatalf("the test archive is %d bytes", len(data))
			}
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := OpenLimited(bytes.NewReader(data), tt.lim)
			runtime.ReadMemStats(&after)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			// What is refused is never read: at most the 16 MiB entry read before the total
			// ran over, far below the gigabytes the headers declare (the race detector's
			// bookkeeping included).
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("refused after allocating %d bytes", alloc)
			}
		})
	}
}

// Files outside the layout are refused unread (the manifest check says so), and the limits
// default to DefaultLimits.
func TestOpenUnknownPaths(t *testing.T) {
	_, files := untar(t, writeTest(t))
	files["notes/evil.sh"] = []byte("rm -rf /\n")
	b, err := OpenLimited(bytes.NewReader(archive(t, files)), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := b.files["notes/evil.sh"]; ok {
		t.Error("a file outside the layout was read")
	}
	rep := b.Verify(servicePub())
	if c := rep.Checks[1]; c.Name != CheckManifest || c.OK || !strings.Contains(c.Detail, "notes/evil.sh is not a file of the bundle layout") {
		t.Errorf("manifest check %+v", c)
	}
}
