package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// auditEndToEnd checks the audit of the certified demo election through HTTP and the command
// line only (issue #7): the audit chain holds; the public results bundle verifies offline
// against the key the service publishes, and finds a voter's receipt; a bundle changed after
// signing is refused; the auditor views show the turnout and the officers' actions.
func auditEndToEnd(t *testing.T, base, officer string, counted map[int64]int, receipts map[string]bool) {
	t.Helper()
	st, body := call(t, "GET", base+"/audit/verify", officer, nil)
	if st != 200 || body["ok"] != true || body["broken"] != nil {
		t.Fatalf("audit/verify: %d %v", st, body)
	}

	dir := t.TempDir()
	bundleFile, keyFile := filepath.Join(dir, "bundle.tar.gz"), filepath.Join(dir, "keys.json")
	raw := fetch(t, base+"/elections/1/bundle", "", 200)
	if err := os.WriteFile(bundleFile, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, fetch(t, base+"/auth/keys", "", 200), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := govboard(t, "", nil, "verify", bundleFile, "--key", keyFile)
	if code != 0 || strings.Contains(out, "FAIL") {
		t.Fatalf("govboard verify of the demo bundle: exit %d\n%s%s", code, out, errOut)
	}
	t.Logf("govboard verify:\n%s", out)
	for _, check := range []string{"signature", "manifest", "recount", "receipts", "seed", "audit chain"} {
		if !strings.Contains(out, check) {
			t.Errorf("govboard verify printed no %q check:\n%s", check, out)
		}
	}
	var receipt string
	for r := range receipts {
		receipt = r
		break
	}
	code, out, errOut = govboard(t, "", nil, "verify", bundleFile, "--key", keyFile, "--receipt", receipt)
	if code != 0 || !strings.Contains(out, receipt) {
		t.Errorf("govboard verify --receipt %s: exit %d\n%s%s", receipt, code, out, errOut)
	}

	// The same bundle with one byte changed (a gzip member rewritten would be the same: the
	// manifest's hashes and signature no longer match) fails.
	bad := bytes.Clone(raw)
	bad[len(bad)/2] ^= 0x01
	badFile := filepath.Join(dir, "bad.tar.gz")
	if err := os.WriteFile(badFile, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut = govboard(t, "", nil, "verify", badFile, "--key", keyFile); code == 0 {
		t.Errorf("govboard verify accepted a damaged bundle:\n%s%s", out, errOut)
	}

	// Turnout: every contest that voted shows its voters, unless its group is too small.
	st, body = call(t, "GET", base+"/elections/1/turnout", officer, nil)
	if st != 200 {
		t.Fatalf("turnout: %d %v", st, body)
	}
	shown := 0
	for _, c := range body["contests"].([]any) {
		c := c.(map[string]any)
		id := int64(c["contest_id"].(float64))
		for _, r := range c["rounds"].([]any) {
			r := r.(map[string]any)
			switch {
			case r["suppressed"] == true:
				if r["voters"] != nil || r["roll_size"] != nil {
					t.Errorf("contest %d: suppressed turnout shows numbers: %v", id, r)
				}
			case int(r["voters"].(float64)) != counted[id]:
				t.Errorf("contest %d: turnout %v voters, %d ballots counted", id, r["voters"], counted[id])
			default:
				shown++
			}
		}
	}
	if shown == 0 {
		t.Errorf("turnout shows no contest: %v", body)
	}

	// Officer actions: the count and the certification, each with the account that made it.
	st, body = call(t, "GET", base+"/elections/1/officer-actions", officer, nil)
	if st != 200 {
		t.Fatalf("officer-actions: %d %v", st, body)
	}
	kinds := map[string]bool{}
	for _, a := range body["actions"].([]any) {
		a := a.(map[string]any)
		kinds[fmt.Sprint(a["kind"])] = true
		if a["kind"] == "ballots.accepted" {
			t.Errorf("a ballot is listed as an officer action: %v", a)
		}
		if acc, ok := a["account"].(map[string]any); ok && acc["role"] == "member" {
			t.Errorf("a member is listed as an officer: %v", a)
		}
	}
	for _, k := range []string{"election.counted", "election.certified"} {
		if !kinds[k] {
			t.Errorf("officer actions lack %s: %v", k, kinds)
		}
	}
}
