package cases

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func list(t *testing.T, s *Store, tenant string, q Query) Page {
	t.Helper()
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	if q.Now.IsZero() {
		q.Now = deskNow
	}
	if q.Within == 0 {
		q.Within = DefaultWithin
	}
	p, err := s.List(context.Background(), tenant, acmePolicy(), q)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Every list holds exactly its cases, in the order of SPEC 4.1, ties by
// conversation id, and nothing of another tenant.
func TestListsHoldTheirCasesInTheirOrder(t *testing.T) {
	s := NewStore(loadDesk(t))
	cases := []struct {
		name string
		q    Query
		want []string
	}{
		{"current: by support start, a tie by id", Query{List: ListCurrent}, []string{"a4", "a2", "a3", "a1"}},
		{"queued: by queued_since, a tie by id", Query{List: ListQueued}, []string{"q1", "q2", "q3"}},
		{"to recover: soonest window first, no window last", Query{List: ListToRecover}, []string{"r3", "r1", "r2"}},
		{"expired: by window", Query{List: ListExpired}, []string{"e1", "e2"}},
		{"at risk: soonest breach first, a tie by id", Query{List: ListAtRisk}, []string{"a3", "a2", "a4", "q2"}},
		{"current of a team", Query{List: ListCurrent, Team: "sales"}, []string{"a4", "a3", "a1"}},
		{"current of an operator", Query{List: ListCurrent, Operator: "ana"}, []string{"a3", "a1"}},
		{"current on a channel", Query{List: ListCurrent, Channel: "x"}, []string{"a4"}},
		{"queued of an interaction type nobody has", Query{List: ListQueued, InteractionType: "voice"}, nil},
		{"queued by team and channel", Query{List: ListQueued, Team: "support", Channel: "messenger"}, []string{"q2"}},
		{"at risk of a team", Query{List: ListAtRisk, Team: "support"}, []string{"a2", "q2"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ids(list(t, s, "acme", c.q).Cases)
			if !slices.Equal(got, c.want) && !(len(got) == 0 && len(c.want) == 0) {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	if got := ids(list(t, s, "globex", Query{List: ListQueued}).Cases); !slices.Equal(got, []string{"g1"}) {
		t.Errorf("globex's queue: %v, want [g1]", got)
	}
	if got := ids(list(t, s, "nobody", Query{List: ListQueued}).Cases); len(got) != 0 {
		t.Errorf("an unknown tenant's queue: %v, want none", got)
	}
}

// A CASE carries every field of SPEC 4.1, with nulls where there is
// nothing to say, and the at-risk list adds risk and breach_at.
func TestACaseCarriesEveryField(t *testing.T) {
	s := NewStore(loadDesk(t))
	q3 := list(t, s, "acme", Query{List: ListQueued, Team: "sales"}).Cases[1]
	got, _ := json.Marshal(q3)
	want := `{"conversation_id":"q3","channel":"whatsapp","account_id":"100000000000001","customer_id":"cust-q3",` +
		`"customer_name":"Zoé","interaction_type":"messaging","team":"sales","operator":null,"status":"queued",` +
		`"management_status":"awaiting_first_response","reason":null,"opened_at":"2026-11-20T09:00:00.000Z",` +
		`"support_started_at":"2026-11-20T10:25:00.000Z","assigned_at":null,"queued_since":"2026-11-20T10:30:00.000Z",` +
		`"waiting_since":"2026-11-20T10:25:00.000Z","window_expires_at":"2026-11-21T10:25:00.000Z","attended":false,"transfers":0}`
	if string(got) != want {
		t.Errorf("q3:\n got %s\nwant %s", got, want)
	}
	r2 := list(t, s, "acme", Query{List: ListToRecover}).Cases[2]
	got, _ = json.Marshal(r2)
	for _, part := range []string{`"operator":"eve"`, `"reason":"operator_unavailable"`, `"customer_name":null`,
		`"window_expires_at":null`, `"queued_since":null`, `"management_status":"customer_waiting"`} {
		if !strings.Contains(string(got), part) {
			t.Errorf("r2 lacks %s: %s", part, got)
		}
	}
	if strings.Contains(string(got), "risk") || strings.Contains(string(got), "breach_at") {
		t.Errorf("a case of to_recover has risk fields: %s", got)
	}
	a1 := list(t, s, "acme", Query{List: ListCurrent, Operator: "ana"}).Cases[1]
	if a1.ManagementStatus != "answered" || !a1.Attended || a1.WaitingSince.IsZero() == false {
		t.Errorf("a1: %+v, want answered, attended, no wait", a1)
	}
	q2 := list(t, s, "acme", Query{List: ListQueued, Channel: "messenger"}).Cases[0]
	if q2.Transfers != 1 {
		t.Errorf("q2 transfers %d, want 1", q2.Transfers)
	}
}

// The at-risk list: which line, when, and how it enters and leaves the
// list as time passes.
func TestAtRiskCasesEnterAndLeaveAsTimePasses(t *testing.T) {
	s := NewStore(loadDesk(t))
	type entry struct{ id, risk, breach string }
	atRisk := func(now string, within time.Duration) []entry {
		t.Helper()
		var out []entry
		for _, c := range list(t, s, "acme", Query{List: ListAtRisk, Now: at(now), Within: within}).Cases {
			out = append(out, entry{c.ConversationID, c.Risk, c.BreachAt.UTC().Format("15:04")})
		}
		return out
	}
	cases := []struct {
		now    string
		within time.Duration
		want   []entry
	}{
		{"10:50", 10 * time.Minute, nil}, // every line is after 11:00
		{"10:50", 15 * time.Minute, []entry{{"a3", "service_level", "11:01"}, {"a2", "unanswered", "11:05"}, {"a4", "unanswered", "11:05"}}},
		{"11:00", 10 * time.Minute, []entry{{"a3", "service_level", "11:01"}, {"a2", "unanswered", "11:05"},
			{"a4", "unanswered", "11:05"}, {"q2", "window", "11:08"}}},
		// a3's first response is now late: its next line is the unanswered one.
		{"11:03", 10 * time.Minute, []entry{{"a2", "unanswered", "11:05"}, {"a4", "unanswered", "11:05"},
			{"q2", "window", "11:08"}, {"a3", "unanswered", "11:13"}}},
		{"11:08", 10 * time.Minute, []entry{{"a3", "unanswered", "11:13"}}},
		{"11:13", 10 * time.Minute, nil}, // a line at exactly now has been crossed
	}
	for _, c := range cases {
		got := atRisk(c.now, c.within)
		if !slices.Equal(got, c.want) {
			t.Errorf("at %s within %s: %v, want %v", c.now, c.within, got, c.want)
		}
	}
}

// Keyset pages: every case once, in order, whatever page size; cases
// that arrive or leave before the cursor's position do not shift the next
// page; a cursor only continues its own list and filters.
func TestCursorPagesAreStableWhileCasesChange(t *testing.T) {
	conn := migrated(t)
	var queue []conv
	for i := range 10 {
		queue = append(queue, conv{id: "p" + string(rune('a'+i)), team: "sales", status: "queued", routed: "10:00",
			queued: at("10:00").Add(time.Duration(i/2) * time.Minute).Format("15:04")}) // pairs share a queued_since
	}
	insertConvs(t, conn, queue...)
	s := NewStore(conn)
	all := ids(list(t, s, "acme", Query{List: ListQueued}).Cases)
	if want := []string{"pa", "pb", "pc", "pd", "pe", "pf", "pg", "ph", "pi", "pj"}; !slices.Equal(all, want) {
		t.Fatalf("the whole queue %v, want %v", all, want)
	}
	for _, size := range []int{1, 3, 4, 10} {
		var got []string
		q := Query{List: ListQueued, Limit: size}
		for {
			p := list(t, s, "acme", q)
			got = append(got, ids(p.Cases)...)
			if p.Next == "" {
				break
			}
			q.Cursor = p.Next
		}
		if !slices.Equal(got, all) {
			t.Errorf("pages of %d: %v, want %v", size, got, all)
		}
	}
	first := list(t, s, "acme", Query{List: ListQueued, Limit: 3}) // pa pb pc
	// Now: a case queued before the position arrives, pa leaves the queue
	// (taken by an operator), pb's row is rewritten unchanged, and a case
	// queued at the position's own time with a greater id arrives.
	insertConvs(t, conn,
		conv{id: "p0", team: "sales", status: "queued", routed: "09:00", queued: "09:00"},
		conv{id: "pa", team: "sales", operator: "ana", status: "active", routed: "10:00", assigned: "10:10", version: 2},
		conv{id: "pb", team: "sales", status: "queued", routed: "10:00", queued: "10:00", version: 2},
		conv{id: "pcc", team: "sales", status: "queued", routed: "10:00", queued: "10:01"})
	next := list(t, s, "acme", Query{List: ListQueued, Limit: 3, Cursor: first.Next})
	if got, want := ids(next.Cases), []string{"pcc", "pd", "pe"}; !slices.Equal(got, want) {
		t.Errorf("the page after [pa pb pc] once cases changed: %v, want %v", got, want)
	}
	for _, other := range []Query{{List: ListCurrent}, {List: ListQueued, Team: "support"}, {List: ListQueued, Channel: "x"}} {
		other.Cursor, other.Limit, other.Now = first.Next, 3, deskNow
		if _, err := s.List(context.Background(), "acme", acmePolicy(), other); !errors.Is(err, ErrBadCursor) {
			t.Errorf("a queued cursor on %+v: %v, want ErrBadCursor", other, err)
		}
	}
	for _, bad := range []string{"not base64!", "eyJ2IjoxfQ", first.Next[:len(first.Next)-2]} {
		_, err := s.List(context.Background(), "acme", acmePolicy(), Query{List: ListQueued, Limit: 3, Cursor: bad, Now: deskNow})
		if !errors.Is(err, ErrBadCursor) {
			t.Errorf("cursor %q: %v, want ErrBadCursor", bad, err)
		}
	}
}

// A to_recover page boundary inside the cases without a window continues
// among them, and one before them reaches them.
func TestCursorsCrossIntoCasesWithoutAWindow(t *testing.T) {
	s := NewStore(loadDesk(t))
	var got []string
	q := Query{List: ListToRecover, Limit: 1}
	for {
		p := list(t, s, "acme", q)
		got = append(got, ids(p.Cases)...)
		if p.Next == "" {
			break
		}
		q.Cursor = p.Next
	}
	if want := []string{"r3", "r1", "r2"}; !slices.Equal(got, want) {
		t.Errorf("pages of one: %v, want %v", got, want)
	}
}
