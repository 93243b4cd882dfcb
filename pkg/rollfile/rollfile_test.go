package rollfile_test

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/govboard/govboard/elections"
	"github.com/govboard/govboard/pkg/rollfile"
)

func TestFormats(t *testing.T) {
	names := []struct{ in, want string }{
		{"members.csv", "csv"}, {"/tmp/X.JSON", "json"}, {"members.txt", ""}, {"members", ""},
	}
	for _, tt := range names {
		got, err := rollfile.FormatFromName(tt.in)
		if got != tt.want || (tt.want == "") != (elections.ErrorCode(err) == elections.EINVALID) {
			t.Errorf("FormatFromName(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	types := []struct{ in, want string }{
		{"text/csv", "csv"}, {"text/csv; charset=utf-8", "csv"}, {"Application/JSON", "json"},
		{"application/yaml", ""}, {"", ""}, {"text/plain", ""},
	}
	for _, tt := range types {
		got, err := rollfile.FormatFromMediaType(tt.in)
		if got != tt.want || (tt.want == "") != (elections.ErrorCode(err) == elections.EINVALID) {
			t.Errorf("FormatFromMediaType(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := rollfile.ReadMembers(strings.NewReader(""), "xml"); elections.ErrorCode(err) != elections.EINVALID {
		t.Errorf("ReadMembers in format xml: %v; want EINVALID", err)
	}
}

var wantMembers = []elections.MemberInput{
	{Line: 2, ExternalID: "ind-0001", Kind: "person", Name: "Ada Lovelace", Email: "ada@example.org",
		Constituency: "individual", Joined: "2024-03-01", Standing: "good"},
	{Line: 3, ExternalID: "org-acme", Kind: "organisation", Name: "Acme Corp", Constituency: "gold",
		Joined: "2023-01-01", PaidThrough: "2026-12-31", Standing: "good", RepresentativeName: "Jo Rep",
		RepresentativeEmail: "jo@acme.example"},
}

func TestReadMembers(t *testing.T) {
	csvText := "\ufeffexternal_id,kind,name,email,constituency,joined,paid_through,standing,representative_name,representative_email\n" +
		"ind-0001,person,Ada Lovelace,ada@example.org,individual,2024-03-01,,good,,\n" +
		"org-acme , organisation,\"Acme Corp\",,gold,2023-01-01,2026-12-31,good,Jo Rep,jo@acme.example\n"
	reordered := "Name,External_ID,joined,constituency,kind\n" + "\n" +
		"Ada,a-1,2024-01-01,individual,person\n"
	jsonArray := `[
  {"external_id": "ind-0001", "kind": "person", "name": "Ada Lovelace", "email": "ada@example.org",
   "constituency": "individual", "joined": "2024-03-01", "standing": "good"},
  {"external_id": "org-acme", "kind": "organisation", "name": " Acme Corp ", "constituency": "gold",
   "joined": "2023-01-01", "paid_through": "2026-12-31", "standing": "good",
   "representative_name": "Jo Rep", "representative_email": "jo@acme.example"}
]`
	jsonWrapped := "{\"members\": [\n" + strings.TrimPrefix(jsonArray, "[\n") + "}"
	wantJSON := slices.Clone(wantMembers)
	wantJSON[1].Line = 4
	tests := []struct {
		name, format, text string
		want               []elections.MemberInput
	}{
		{"csv", "csv", csvText, wantMembers},
		{"csv any column order, blank line", "csv", reordered,
			[]elections.MemberInput{{Line: 3, ExternalID: "a-1", Kind: "person", Name: "Ada", Constituency: "individual", Joined: "2024-01-01"}}},
		{"csv header only", "csv", "external_id,kind,name,constituency,joined\n", []elections.MemberInput{}},
		{"json array", "json", jsonArray, wantJSON},
		{"json wrapped", "json", jsonWrapped, wantJSON},
		{"json after a byte order mark", "json", "\ufeff" + jsonArray, wantJSON},
		{"json empty", "json", `{"members": []}`, []elections.MemberInput{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rollfile.ReadMembers(strings.NewReader(tt.text), tt.format)
			if err != nil {
				t.Fatalf("ReadMembers: %v %v", err, details(err))
			}
			// TestReadMembersGiven checks Given.
			if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(elections.MemberInput{}, "Given")); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadDonations(t *testing.T) {
	want := []elections.DonationInput{
		{Line: 2, ExternalID: "d-1", Member: "ind-0001", Amount: "60.00", Currency: "USD", Date: "2025-05-01", Source: "stripe"},
		{Line: 3, ExternalID: "d-2", Member: "ind-0001", Amount: "50", Currency: "EUR", Value: "54.10", Date: "2025-06-01"},
	}
	csvText := "external_id,member,amount,currency,date,value,source\n" +
		"d-1,ind-0001,60.00,USD,2025-05-01,,stripe\nd-2,ind-0001,50,EUR,2025-06-01,54.10,\n"
	jsonText := `{"donations": [
  {"external_id": "d-1", "member": "ind-0001", "amount": 60.00, "currency": "USD", "date": "2025-05-01", "source": "stripe"},
  {"external_id": "d-2", "member": "ind-0001", "amount": "50", "currency": "EUR", "value": 54.10, "date": "2025-06-01"}]}`
	for format, text := range map[string]string{"csv": csvText, "json": jsonText} {
		got, err := rollfile.ReadDonations(strings.NewReader(text), format)
		if err != nil {
			t.Fatalf("%s: %v %v", format, err, details(err))
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", format, diff)
		}
	}
}

const header = "external_id,kind,name,constituency,joined\n"

func TestBadMembers(t *testing.T) {
	tests := []struct {
		name, format, text string
		want               []string
	}{
		{"csv empty", "csv", "", []string{"line 1: the file is empty"}},
		{"csv unknown, repeated and missing columns", "csv", "external_id,kind,Name,name,constituency,colour\n",
			[]string{`line 1: column "name" is given twice`, `line 1: unknown column "colour"`, "line 1: no joined column"}},
		{"csv unnamed column", "csv", "external_id,kind,name,constituency,joined,\n",
			[]string{"line 1: column 6 of the header has no name"}},
		{"csv field counts", "csv", header + "a,person,A,individual,2024-01-01\nb,person,B\nc,person,C,individual,2024-01-01,x\n",
			[]string{"line 3: 3 fields, but the header names 5 columns", "line 4: 6 fields, but the header names 5 columns"}},
		{"csv bad quote", "csv", header + "a,person,A,individual,2024-01-01\nb,person,\"B\"x,individual,2024-01-01\n",
			[]string{`line 3: extraneous or missing " in quoted-field`}},
		{"csv not utf-8", "csv", header + "a,person,\xff,individual,2024-01-01\n", []string{"line 2: name: not UTF-8 text"}},
		{"json empty", "json", " ", []string{"line 1: the file is empty"}},
		{"json not an array", "json", "\n\"members\"", []string{"line 2: the file must be a JSON array of members"}},
		{"json syntax", "json", "[\n{\"name\": \"A\",}\n]", []string{"line 2: not valid JSON"}},
		{"json truncated", "json", "[\n{\"name\": \"A\"", []string{"line 2: the file ends before the JSON value does"}},
		{"json rows", "json", "[\n  {\"name\": \"A\", \"colour\": \"red\"},\n  \"b\",\n  {\"name\": \"B\", \"name\": \"C\",\n" +
			"   \"kind\": 1, \"joined\": null, \"email\": [\"x\"], \"standing\": {\"a\": [1]}, \"external_id\": true}\n]",
			[]string{`line 2: unknown key "colour" (keys: external_id, kind,`, `line 3: each of the members must be a JSON object, not the string "b"`,
				`line 4: key "name" is given twice`, "line 4: kind: must be a string, not the number 1",
				"line 4: joined: must be a string, not null", "line 4: email: must be a string, not an array",
				"line 4: standing: must be a string, not an object", "line 4: external_id: must be a string, not true"}},
		{"json wrapper", "json", "{\"rows\": [1, 2],\n\"members\": [], \"members\": []}",
			[]string{`line 1: unknown key "rows": the object holds one key, "members"`, `line 2: key "members" is given twice`}},
		{"json wrapper without rows", "json", "{}", []string{`line 1: no "members" array in the object`}},
		{"json wrapper not an array", "json", "{\"members\": {}}", []string{`line 1: "members" must be an array`}},
		{"json after the end", "json", "[]\n[]", []string{"line 2: more after the end of the JSON value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := rollfile.ReadMembers(strings.NewReader(tt.text), tt.format)
			checkProblems(t, rows, err, tt.want)
		})
	}
}

func TestBadDonations(t *testing.T) {
	rows, err := rollfile.ReadDonations(strings.NewReader(`[{"external_id": 1, "amount": 5, "value": -1.5e2}]`), "json")
	checkProblems(t, rows, err, []string{"line 1: external_id: must be a string, not the number 1"})
	rows, err = rollfile.ReadDonations(strings.NewReader("external_id,member,amount,currency\n"), "csv")
	checkProblems(t, rows, err, []string{"line 1: no date column: the header must name external_id, member, amount, currency, date"})
}

// TestTooManyProblems checks that a file with many bad rows reports the first 100 and says
// it stopped.
func TestTooManyProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString(header)
	for range 500 {
		b.WriteString("a,b\n")
	}
	_, err := rollfile.ReadMembers(strings.NewReader(b.String()), "csv")
	d := details(err)
	if len(d) != 101 || d[0] != "line 2: 2 fields, but the header names 5 columns" ||
		d[100] != "line 102: more problems; stopped after 100" {
		t.Fatalf("%d problems, first %q, last %q", len(d), d[0], d[len(d)-1])
	}
	b.Reset()
	b.WriteString("[")
	for i := range 500 {
		fmt.Fprintf(&b, "{\"x\": %d},\n", i)
	}
	b.WriteString("{}]")
	_, err = rollfile.ReadMembers(strings.NewReader(b.String()), "json")
	if d := details(err); len(d) != 101 || d[100] != "line 101: more problems; stopped after 100" {
		t.Fatalf("json: %d problems, last %q", len(d), d[len(d)-1])
	}
}

// TestLargeCSV reads a generated 10,000-member file.
func TestLargeCSV(t *testing.T) {
	var b strings.Builder
	b.WriteString("external_id,kind,name,email,constituency,joined,paid_through,standing\n")
	for i := range 10000 {
		fmt.Fprintf(&b, "ind-%05d,person,Member %d,m%d@example.org,individual,2024-01-01,2026-12-31,good\n", i, i, i)
	}
	rows, err := rollfile.ReadMembers(strings.NewReader(b.String()), "csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 10000 || rows[9999].Line != 10001 || rows[9999].ExternalID != "ind-09999" {
		t.Fatalf("%d rows, last %+v", len(rows), rows[len(rows)-1])
	}
}

func checkProblems[T any](t *testing.T, rows []T, err error, want []string) {
	t.Helper()
	var e *elections.Error
	if !errors.As(err, &e) || e.Code != elections.EINVALID {
		t.Fatalf("rows %+v, error %v; want an EINVALID *elections.Error", rows, err)
	}
	if rows != nil {
		t.Errorf("rows %+v returned with the error", rows)
	}
	if e.Message != e.Details[0] {
		t.Errorf("Message %q is not the first detail %q", e.Message, e.Details[0])
	}
	if len(e.Details) != len(want) {
		t.Fatalf("problems:\n%s\nwant %d:\n%s", strings.Join(e.Details, "\n"), len(want), strings.Join(want, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(e.Details[i], w) {
			t.Errorf("problem %d = %q, want it to start with %q", i, e.Details[i], w)
		}
	}
}

func details(err error) []string {
	var e *elections.Error
	if errors.As(err, &e) {
		return e.Details
	}
	return nil
}

// Each member row says which fields its file has, so that an update keeps the others.
func TestReadMembersGiven(t *testing.T) {
	csvRows, err := rollfile.ReadMembers(strings.NewReader("external_id,kind,name,constituency,joined,email\n"+
		"a,person,A,individual,2024-01-01,a@example.org\n"), rollfile.FormatCSV)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"external_id": true, "kind": true, "name": true, "constituency": true, "joined": true, "email": true}
	if diff := cmp.Diff(want, csvRows[0].Given); diff != "" {
		t.Errorf("CSV Given (-want +got):\n%s", diff)
	}
	jsonRows, err := rollfile.ReadMembers(strings.NewReader(`[{"external_id":"a","kind":"person","name":"A","constituency":"individual","joined":"2024-01-01","standing":"good"},
{"external_id":"b","kind":"person","name":"B","constituency":"individual","joined":"2024-01-01"}]`), rollfile.FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	if !jsonRows[0].Given["standing"] || jsonRows[1].Given["standing"] || !jsonRows[1].Given["joined"] {
		t.Errorf("JSON Given: %v, %v", jsonRows[0].Given, jsonRows[1].Given)
	}
}
