package oracle

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// day is Wednesday 2026-11-18, the day of docs/indicators.md's examples.
var day = time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)

// clock reads "09:30" as that time of day (UTC), "+1 09:30" as the next
// day's, "09:30:05.250" with seconds and milliseconds.
func clock(t testing.TB, s string) time.Time {
	t.Helper()
	days := 0
	if rest, ok := strings.CutPrefix(s, "+"); ok {
		n, after, _ := strings.Cut(rest, " ")
		days, _ = strconv.Atoi(n)
		s = after
	}
	for _, layout := range []string{"15:04", "15:04:05", "15:04:05.000"} {
		if v, err := time.Parse(layout, s); err == nil {
			return day.AddDate(0, 0, days).Add(time.Duration(v.Hour())*time.Hour + time.Duration(v.Minute())*time.Minute +
				time.Duration(v.Second())*time.Second + time.Duration(v.Nanosecond()))
		}
	}
	t.Fatalf("bad clock %q", s)
	return time.Time{}
}

// story builds events of one tenant's WhatsApp account, one customer per
// conversation key; every event gets a fresh id unless given one.
type story struct {
	t      testing.TB
	tenant string
	events []schemas.Event
}

func newStory(t testing.TB) *story { return &story{t: t, tenant: "acme"} }

type field func(*schemas.Event)

func team(v string) field     { return func(e *schemas.Event) { e.Team = v } }
func operator(v string) field { return func(e *schemas.Event) { e.Operator = v } }
func toTeam(v string) field   { return func(e *schemas.Event) { e.ToTeam = v } }
func toOp(v string) field     { return func(e *schemas.Event) { e.ToOperator = v } }
func itype(v string) field    { return func(e *schemas.Event) { e.InteractionType = v } }
func id(v string) field       { return func(e *schemas.Event) { e.ID = v } }
func channel(v schemas.Channel) field {
	return func(e *schemas.Event) { e.Channel = v }
}
func supervisor(conversationID string) field {
	return func(e *schemas.Event) {
		e.Source, e.By, e.ConversationID = schemas.SourceSupervisor, "sue", conversationID
	}
}
func human() field { return func(e *schemas.Event) { e.HumanAgent = true } }

// add appends an event of kind for customer at the story clock at.
func (s *story) add(kind schemas.Kind, customer, at string, fs ...field) *story {
	s.t.Helper()
	e := schemas.Event{V: 1, Kind: kind, ID: "e" + strconv.Itoa(len(s.events)+1), Tenant: s.tenant,
		Channel: schemas.WhatsApp, AccountID: "100", CustomerID: customer,
		OccurredAt: schemas.At(clock(s.t, at)), ReceivedAt: schemas.At(clock(s.t, at))}
	if kind == schemas.KindOperatorStatus {
		e.Channel, e.AccountID, e.CustomerID = "", "", ""
	}
	for _, f := range fs {
		f(&e)
	}
	s.events = append(s.events, e)
	return s
}

func (s *story) customer(c, at string, fs ...field) *story {
	return s.add(schemas.KindCustomerMessage, c, at, fs...)
}
func (s *story) routed(c, at, tm string, fs ...field) *story {
	return s.add(schemas.KindRouted, c, at, append([]field{team(tm)}, fs...)...)
}
func (s *story) assigned(c, at, op string, fs ...field) *story {
	return s.add(schemas.KindAssigned, c, at, append([]field{operator(op)}, fs...)...)
}
func (s *story) replied(c, at, op string) *story {
	return s.add(schemas.KindOperatorReplied, c, at, operator(op))
}
func (s *story) transferred(c, at string, fs ...field) *story {
	return s.add(schemas.KindTransferred, c, at, fs...)
}
func (s *story) recovered(c, at string, fs ...field) *story {
	return s.add(schemas.KindRecovered, c, at, fs...)
}
func (s *story) closed(c, at string, fs ...field) *story {
	return s.add(schemas.KindClosed, c, at, fs...)
}
func (s *story) status(op, at, status string) *story {
	return s.add(schemas.KindOperatorStatus, "", at, operator(op), func(e *schemas.Event) { e.Status = status })
}

// policies is a fixed set of tenant policies; a tenant it does not name
// gets the defaults.
type policies map[string]schemas.Policy

func (p policies) Policy(tenant string) schemas.Policy {
	if v, ok := p[tenant]; ok {
		return v
	}
	return schemas.DefaultPolicy(tenant)
}

// parisOffice is acme's config.yaml policy: Paris office hours on
// weekdays with a lunch break, sales' target 2 minutes, a weekend team.
func parisOffice() schemas.Policy {
	p := schemas.DefaultPolicy("acme")
	week := []schemas.ClockInterval{{Start: 9 * 60, End: 12*60 + 30}, {Start: 13*60 + 30, End: 18 * 60}}
	p.BusinessHours = schemas.BusinessHours{TimeZone: "Europe/Paris", Holidays: []string{"2026-12-25"},
		Weekly: [7][]schemas.ClockInterval{1: week, 2: week, 3: week, 4: week, 5: week}}
	weekend := schemas.BusinessHours{TimeZone: "Europe/Paris",
		Weekly: [7][]schemas.ClockInterval{0: {{Start: 0, End: 24 * 60}}, 6: {{Start: 0, End: 24 * 60}}}}
	p.Teams = map[string]schemas.TeamPolicy{"sales": {ServiceLevelTarget: 2 * time.Minute}, "weekend": {BusinessHours: &weekend}}
	return p
}

// conversationsAt returns the story's conversations at the clock "at", by customer.
func (s *story) conversationsAt(pol Policies, at string) map[string][]Conversation {
	s.t.Helper()
	convs, err := New(s.events, pol).Conversations(clock(s.t, at))
	if err != nil {
		s.t.Fatal(err)
	}
	out := map[string][]Conversation{}
	for _, c := range convs {
		out[c.Key.CustomerID] = append(out[c.Key.CustomerID], c)
	}
	return out
}

// report returns the story's report for [from, to) by dims.
func (s *story) report(pol Policies, from, to string, by ...string) schemas.Report {
	s.t.Helper()
	r, err := New(s.events, pol).Report(Query{From: clock(s.t, from), To: clock(s.t, to), By: by})
	if err != nil {
		s.t.Fatal(err)
	}
	return r
}

func segmentOf(t testing.TB, r schemas.Report, key ...string) schemas.ReportSegment {
	t.Helper()
	for _, seg := range r.Segments {
		match := true
		for i, d := range r.By {
			match = match && seg.Key[d] == key[i]
		}
		if match {
			return seg
		}
	}
	t.Fatalf("no segment %v in %+v", key, r.Segments)
	return schemas.ReportSegment{}
}

func ms(v int64) *int64 { return &v }

func f64(v float64) *float64 { return &v }

func statusOf(t testing.TB, convs map[string][]Conversation, customer string, i int) string {
	t.Helper()
	cs := convs[customer]
	if i >= len(cs) {
		t.Fatalf("%s has %d conversations, want at least %d", customer, len(cs), i+1)
	}
	if cs[i].Reason != "" {
		return cs[i].Status + "(" + cs[i].Reason + ")"
	}
	return cs[i].Status
}
