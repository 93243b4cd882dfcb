package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/rollfile"
)

// The demo's voters beyond its 35 hand-written members: enough fictional members in the four
// constituencies with the largest contests that a round of the demo election has a few hundred
// voters to count, as a real one would. They are generated, not listed in a file, from
// deterministic names, so every seeded demo has the same roll.

// demoVoterGroup is a block of generated members of one constituency.
type demoVoterGroup struct {
	prefix, constituency string
	n                    int
	// organisation: the members are organisations (projects) with a representative.
	organisation bool
	// donor: each member donated enough to be eligible (Individual Members).
	donor bool
}

var demoVoterGroups = []demoVoterGroup{
	{prefix: "ind-v", constituency: "individual", n: 90, donor: true},
	{prefix: "eco-v", constituency: "ecosystem", n: 45, organisation: true},
	{prefix: "grd-v", constituency: "guardians", n: 36},
	{prefix: "sct-v", constituency: "spec-core-team", n: 36},
}

var (
	demoFirstNames = []string{"Amara", "Bastian", "Celeste", "Darius", "Elif", "Fintan", "Greta", "Hugo", "Ines", "Jonas",
		"Kaia", "Leon", "Maren", "Nikolai", "Odile", "Pavel", "Quinn", "Rosa", "Soren", "Talia", "Umar", "Vera", "Wren", "Yusuf"}
	demoLastNames = []string{"Abara", "Brandt", "Castell", "Dufresne", "Eriksen", "Ferreira", "Gallo", "Haas", "Ishikawa",
		"Jansen", "Kowalczyk", "Laine", "Mbeki", "Novak", "Oyelaran", "Petit", "Quiroga", "Rahman", "Silva", "Tanaka"}
	demoProjectWords = []string{"Aurora", "Beacon", "Cobalt", "Delta", "Ember", "Fjord", "Garnet", "Helix", "Iris",
		"Juniper", "Kestrel", "Lumen", "Meridian", "Nova", "Orbit"}
	demoProjectKinds = []string{"Client", "Bridge", "Server"}
)

// demoPersonName returns the i-th generated person name (0-based); names repeat only after
// len(first) × len(last) people.
func demoPersonName(i int) (first, last string) {
	return demoFirstNames[i%len(demoFirstNames)], demoLastNames[(i/len(demoFirstNames)+i)%len(demoLastNames)]
}

// demoVoterFiles returns the generated members and donations as CSV files in the import
// formats (the same path into the roll as an officer's import).
func demoVoterFiles() (members, donations []byte, err error) {
	var mb, db bytes.Buffer
	mw, dw := csv.NewWriter(&mb), csv.NewWriter(&db)
	mw.Write([]string{"external_id", "kind", "name", "email", "constituency", "joined", "paid_through", "standing",
		"representative_name", "representative_email", "representative_since"})
	dw.Write([]string{"external_id", "member", "amount", "currency", "date", "value", "source"})
	person := 0
	for _, g := range demoVoterGroups {
		for k := 1; k <= g.n; k++ {
			id := fmt.Sprintf("%s%03d", g.prefix, k)
			first, last := demoPersonName(person)
			person++
			email := fmt.Sprintf("%s.%s.%d@demo.govboard.example", strings.ToLower(first), strings.ToLower(last), person)
			joined := fmt.Sprintf("2024-%02d-%02d", 1+k%12, 1+k%28)
			if g.organisation {
				name := fmt.Sprintf("%s %s", demoProjectWords[k%len(demoProjectWords)], demoProjectKinds[(k/len(demoProjectWords))%len(demoProjectKinds)])
				if k > len(demoProjectWords)*len(demoProjectKinds) {
					name += fmt.Sprintf(" %d", k)
				}
				mw.Write([]string{id, "organisation", name, "", g.constituency, joined, "", "good", first + " " + last, email, joined})
			} else {
				mw.Write([]string{id, "person", first + " " + last, email, g.constituency, joined, "", "good", "", "", ""})
			}
			if g.donor {
				dw.Write([]string{"demo-dv-" + id, id, fmt.Sprintf("%d.00", 60+10*(k%5)), "USD", fmt.Sprintf("2025-%02d-%02d", 5+k%6, 1+k%28), "", "stripe"})
			}
		}
	}
	mw.Flush()
	dw.Flush()
	if err := mw.Error(); err != nil {
		return nil, nil, err
	}
	return mb.Bytes(), db.Bytes(), dw.Error()
}

// demoVoters imports the generated members and their donations.
func (m *Main) demoVoters(ctx context.Context) error {
	members, donations, err := demoVoterFiles()
	if err != nil {
		return err
	}
	src := func(name string, data []byte) elections.ImportSource {
		sum := sha256.Sum256(data)
		return elections.ImportSource{Name: "govboard serve --demo: " + name, SHA256: hex.EncodeToString(sum[:]), Format: rollfile.FormatCSV}
	}
	mrows, err := rollfile.ReadMembers(bytes.NewReader(members), rollfile.FormatCSV)
	if err != nil {
		return fmt.Errorf("generated members: %w", err)
	}
	if _, err := m.Service.ImportMembers(ctx, elections.CLIActor(), mrows, src("generated voters", members)); err != nil {
		return err
	}
	drows, err := rollfile.ReadDonations(bytes.NewReader(donations), rollfile.FormatCSV)
	if err != nil {
		return fmt.Errorf("generated donations: %w", err)
	}
	_, err = m.Service.ImportDonations(ctx, elections.CLIActor(), drows, src("generated donations", donations))
	return err
}
