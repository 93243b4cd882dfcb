package bundle

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/govboard/govboard/pkg/jwtauth"
)

// The names of the checks, as Check.Name gives them.
const (
	CheckSignature    = "signature"
	CheckManifest     = "manifest"
	CheckAuditChain   = "audit chain"
	CheckAuditEntries = "audit entries"
	CheckElection     = "election"
	CheckContests     = "contests"
	CheckSeed         = "seed"
	CheckCandidates   = "candidates"
	CheckRoll         = "roll"
	CheckReceipts     = "receipts"
	CheckTurnout      = "turnout"
	CheckBallotFiles  = "ballot files"
	CheckCount        = "count"
	CheckRecount      = "recount"
	CheckResult       = "result"
	// CheckAnchor is one per Options.Anchors; CheckLogOrder, CheckCountInputs and
	// CheckCountedReceipts check the bundle against the entries written before the count.
	CheckAnchor          = "anchor"
	CheckLogOrder        = "log order"
	CheckCountInputs     = "count inputs"
	CheckCountedReceipts = "counted receipts"
)

// Options say which key Verify trusts as the service's.
type Options struct {
	// Trusted is the service's public key, as the caller knows it independently (a PEM
	// public key or one JWK).
	Trusted ed25519.PublicKey
	// TrustedSet is the service's key set (the JWKS of /api/v1/auth/keys): only the key whose
	// RFC 7638 thumbprint is the manifest's key_id is used, and none is a failure.
	TrustedSet []ed25519.PublicKey
	// TrustBundleKey accepts the key inside the bundle (key.json) when no key is trusted:
	// the signature check then passes with a warning. Without it and without a trusted key,
	// the signature check fails.
	TrustBundleKey bool
	// Anchors are audit entries known from outside the bundle (`govboard verify --head`):
	// each must be in the bundle's chain with its hash (the anchor check), which shows that
	// the log was only extended since, and the check says what was appended after it.
	Anchors []Anchor
}

// noTrustedKey is the signature check's failure without a trusted key.
const noTrustedKey = "not checked against a trusted key: pass --key with the service's keys from /api/v1/auth/keys, " +
	"or --trust-bundle-key to accept the key inside the bundle"

// Check is one check of a bundle: what was checked (Name, one of the Check* constants; a
// check per round repeats the name with the contest and round in Detail), whether it passed,
// and what was found, naming the first thing that does not match.
type Check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Report is the result of Verify: every check, in order, and OK when all passed.
type Report struct {
	Checks []Check `json:"checks"`
	OK     bool    `json:"ok"`
}

// add appends a check.
func (r *Report) add(name string, ok bool, format string, args ...any) {
	r.Checks = append(r.Checks, Check{Name: name, OK: ok, Detail: fmt.Sprintf(format, args...)})
}

// Failed returns the checks that failed.
func (r *Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.OK {
			out = append(out, c)
		}
	}
	return out
}

// Verify reads the bundle from r (within DefaultLimits) and checks it (see the package
// comment). trusted is the service's public key as the caller knows it independently; with
// nil, the signature check fails (see Options.TrustBundleKey). The error is for input that is
// not a bundle at all (not a gzip-compressed tar, over the limits, no manifest.json);
// everything else is a failed check of the Report.
func Verify(r io.Reader, trusted ed25519.PublicKey) (*Report, error) {
	b, err := Open(r)
	if err != nil {
		return nil, err
	}
	return b.Verify(trusted), nil
}

// Verify checks b with trusted as the service's key; see the package function Verify.
func (b *Bundle) Verify(trusted ed25519.PublicKey) *Report {
	return b.VerifyWith(Options{Trusted: trusted})
}

// VerifyWith checks b, trusting the keys of opts.
func (b *Bundle) VerifyWith(opts Options) *Report {
	rep := &Report{}
	b.checkIntegrity(rep, opts)
	audit := b.checkAudit(rep)
	checkAnchors(rep, audit.records, opts.Anchors, b.manifest.Election)
	b.checkContests(rep, audit)
	rep.OK = !slices.ContainsFunc(rep.Checks, func(c Check) bool { return !c.OK })
	return rep
}

// checkIntegrity adds the signature and manifest checks.
func (b *Bundle) checkIntegrity(rep *Report, opts Options) {
	ok, detail := b.checkSignature(opts)
	rep.add(CheckSignature, ok, "%s", detail)
	problems := b.checkManifest()
	if len(problems) == 0 {
		rep.add(CheckManifest, true, "all %d files listed in %s are present with their SHA-256 and size, and no other",
			len(b.manifest.Files), pathManifest)
		return
	}
	more := ""
	if len(problems) > 1 {
		more = fmt.Sprintf(" (and %d more problem(s))", len(problems)-1)
	}
	rep.add(CheckManifest, false, "%s%s", problems[0], more)
}

// bundleKey returns the key of key.json and its kid, or why it cannot.
func (b *Bundle) bundleKey() (ed25519.PublicKey, string, error) {
	var jwk jwtauth.JWK
	if err := b.readJSON(pathKey, &jwk); err != nil {
		return nil, "", err
	}
	pub, err := PublicKeyFromJWK(jwk)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %v", pathKey, err)
	}
	return pub, jwtauth.Ed25519PublicKey(pub).ID, nil
}

// checkSignature checks manifest.sig over manifest.json.
func (b *Bundle) checkSignature(opts Options) (bool, string) {
	raw, ok := b.files[pathSig]
	if !ok {
		return false, pathSig + " is missing: the bundle is not signed"
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(raw)))
	if err != nil || len(sig) != ed25519.SignatureSize {
		return false, pathSig + " is not a base64 Ed25519 signature"
	}
	own, ownID, ownErr := b.bundleKey()
	ownValid := ownErr == nil && ed25519.Verify(own, b.manifestBytes, sig)
	if ownErr == nil && ownID != b.manifest.KeyID {
		return false, fmt.Sprintf("%s names key %s, but %s holds key %s", pathManifest, b.manifest.KeyID, pathKey, ownID)
	}
	trusted := opts.Trusted
	if trusted == nil && len(opts.TrustedSet) > 0 {
		var kids []string
		for _, k := range opts.TrustedSet {
			kid := jwtauth.Ed25519PublicKey(k).ID
			if kid == b.manifest.KeyID {
				trusted = k
			}
			kids = append(kids, kid)
		}
		if trusted == nil {
			return false, fmt.Sprintf("%s names key %s, which is not in the trusted key set (keys %s): the bundle was not "+
				"signed by a key of the service", pathManifest, b.manifest.KeyID, strings.Join(kids, ", "))
		}
	}
	if trusted != nil {
		tid := jwtauth.Ed25519PublicKey(trusted).ID
		switch {
		case ed25519.Verify(trusted, b.manifestBytes, sig):
			return true, fmt.Sprintf("%s is signed by the trusted key %s", pathManifest, tid)
		case ownValid:
			return false, fmt.Sprintf("%s is signed by key %s, not the trusted key %s", pathManifest, ownID, tid)
		}
		return false, fmt.Sprintf("%s is not a valid signature of %s by the trusted key %s (nor by the key in %s)",
			pathSig, pathManifest, tid, pathKey)
	}
	switch {
	case !opts.TrustBundleKey:
		return false, noTrustedKey
	case ownErr != nil:
		return false, ownErr.Error() + ", and no trusted key was given"
	case !ownValid:
		return false, fmt.Sprintf("%s is not a valid signature of %s by the key in %s (%s)", pathSig, pathManifest, pathKey, ownID)
	}
	return true, fmt.Sprintf("WARNING: %s is signed by key %s, taken from the bundle's own %s as asked: that key was not "+
		"independently trusted, so this shows the bundle is intact, not who made it (give the service's keys with --key)",
		pathManifest, ownID, pathKey)
}

// checkManifest returns what does not match between the manifest and the files.
func (b *Bundle) checkManifest() []string {
	problems := slices.Clone(b.problems)
	listed := map[string]bool{}
	for _, f := range b.manifest.Files {
		switch {
		case !safePath(f.Path):
			problems = append(problems, fmt.Sprintf("%s lists the unsafe path %q", pathManifest, f.Path))
			continue
		case listed[f.Path]:
			problems = append(problems, fmt.Sprintf("%s lists %s twice", pathManifest, f.Path))
			continue
		case f.Path == pathManifest || f.Path == pathSig:
			problems = append(problems, fmt.Sprintf("%s lists %s, which it cannot cover", pathManifest, f.Path))
			continue
		}
		listed[f.Path] = true
		data, ok := b.files[f.Path]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s is listed in %s but missing", f.Path, pathManifest))
			continue
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != f.SHA256 || int64(len(data)) != f.Size {
			problems = append(problems, fmt.Sprintf("%s has SHA-256 %s and size %d, the manifest lists %s and %d",
				f.Path, got, len(data), f.SHA256, f.Size))
		}
	}
	for _, p := range slices.Sorted(maps.Keys(b.files)) {
		if !listed[p] && p != pathManifest && p != pathSig {
			problems = append(problems, fmt.Sprintf("%s is not listed in %s", p, pathManifest))
		}
	}
	return problems
}

// PublicKeyFromJWK returns the Ed25519 key of an OKP JWK.
func PublicKeyFromJWK(k jwtauth.JWK) (ed25519.PublicKey, error) {
	if k.KeyType != "OKP" || k.Curve != "Ed25519" {
		return nil, fmt.Errorf("key %q is %s/%s, not an OKP Ed25519 key", k.KeyID, k.KeyType, k.Curve)
	}
	x, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(k.X, "="))
	if err != nil || len(x) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("key %q: x is not a base64url Ed25519 public key", k.KeyID)
	}
	pub := ed25519.PublicKey(x)
	if k.KeyID != "" && k.KeyID != jwtauth.Ed25519PublicKey(pub).ID {
		return nil, fmt.Errorf("key %q: kid is not the key's RFC 7638 thumbprint %s", k.KeyID, jwtauth.Ed25519PublicKey(pub).ID)
	}
	return pub, nil
}
