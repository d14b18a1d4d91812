package indicators

import (
	"fmt"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/processors/conversation"
	"github.com/floorwatch/floorwatch/schemas"
)

var base = time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)

func at(hhmm string) time.Time {
	t, _ := time.Parse("15:04", hhmm)
	return base.Add(time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute)
}

// story is one customer's events: "kind hh:mm [name [name]]".
func story(tn *conversation.Tenant, customer string, lines ...string) []conversation.Conversation {
	key := schemas.ConversationKey{Tenant: "acme", Channel: schemas.WhatsApp, AccountID: "1001", CustomerID: customer}
	s := conversation.NewState(key)
	for i, l := range lines {
		var k, hm, a, b string
		fmt.Sscan(l, &k, &hm, &a, &b)
		e := schemas.Event{ID: fmt.Sprint(customer, i), Kind: schemas.Kind(k), Tenant: key.Tenant, Channel: key.Channel,
			AccountID: key.AccountID, CustomerID: key.CustomerID, OccurredAt: schemas.At(at(hm))}
		switch e.Kind {
		case schemas.KindRouted:
			e.Team = a
		case schemas.KindTransferred:
			e.ToTeam, e.ToOperator = a, b
		default:
			e.Operator = a
		}
		if _, err := s.Add(tn, &e); err != nil {
			panic(err)
		}
	}
	return s.Derive(nil, tn, nil, at("10:00"))
}

// One hour, 09:00 to 10:00, five customers; every expected number is
// worked out in docs/indicators.md ("a worked hour").
func TestIndicatorsOfAWorkedHour(t *testing.T) {
	tn, _ := conversation.NewTenant(schemas.DefaultPolicy("acme"))
	convs := [][]conversation.Conversation{
		story(tn, "A", "customer_message 09:00", "conversation.routed 09:01 sales", "conversation.assigned 09:02 ana",
			"operator.replied 09:04 ana", "customer_message 09:10", "operator.replied 09:13 ana", "conversation.closed 09:30 ana"),
		story(tn, "B", "customer_message 09:20", "conversation.routed 09:21 sales", "conversation.assigned 09:22 bob"),
		story(tn, "C", "customer_message 08:00", "conversation.routed 08:01 support", "operator.replied 08:30 carl",
			"conversation.transferred 09:15 support"),
		story(tn, "D", "customer_message 07:00", "conversation.closed 08:00"),
		story(tn, "F", "customer_message 09:50"),
	}
	targets := func(tenant, team string) time.Duration { return 5 * time.Minute }
	whole := NewBuilder(at("09:00"), at("10:00"), nil, targets)
	byTeam := NewBuilder(at("09:00"), at("10:00"), []Dim{DimTeam}, targets)
	for _, cs := range convs {
		for i := range cs {
			whole.Add(&cs[i])
			byTeam.Add(&cs[i])
		}
	}
	wantWhole := "total=4 active=0 queued=1 to_recover=1 expired=0 attended=2 unattended=1 pending=1 transferred=1 closed=1 fr=1/120000/within=1 reply=1/180000 resolution=1/1800000"
	if got := line(whole.Segments()[0]); got != wantWhole {
		t.Errorf("whole period:\n got %s\nwant %s", got, wantWhole)
	}
	wantTeams := []string{
		"[] total=1 active=0 queued=0 to_recover=0 expired=0 attended=0 unattended=0 pending=0 transferred=0 closed=0 fr=0/0/within=0 reply=0/0 resolution=0/0",
		"[sales] total=2 active=0 queued=0 to_recover=1 expired=0 attended=1 unattended=1 pending=1 transferred=0 closed=1 fr=1/120000/within=1 reply=1/180000 resolution=1/1800000",
		"[support] total=1 active=0 queued=1 to_recover=0 expired=0 attended=1 unattended=0 pending=0 transferred=1 closed=0 fr=0/0/within=0 reply=0/0 resolution=0/0",
	}
	for i, s := range byTeam.Segments() {
		if got := fmt.Sprint(s.Values, " ", line(s)); i >= len(wantTeams) || got != wantTeams[i] {
			t.Errorf("segment %d:\n got %s", i, got)
		}
	}
}

func line(s *Segment) string {
	a := s.Aggregate
	return fmt.Sprintf("total=%d active=%d queued=%d to_recover=%d expired=%d attended=%d unattended=%d pending=%d transferred=%d closed=%d fr=%d/%d/within=%d reply=%d/%d resolution=%d/%d",
		a.Total, a.Active, a.Queued, a.ToRecover, a.Expired, a.Attended, a.Unattended, a.PendingFirstResponse,
		a.Transferred, a.Closed, a.FirstResponse.Count, a.FirstResponse.SumMs, a.FirstResponseWithinTarget,
		a.Reply.Count, a.Reply.SumMs, a.Resolution.Count, a.Resolution.SumMs)
}
