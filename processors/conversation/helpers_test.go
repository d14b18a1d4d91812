package conversation

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// day is Wednesday 18 November 2026, UTC; scenario times are clock times on it.
var day = time.Date(2026, 11, 18, 0, 0, 0, 0, time.UTC)

var testKey = schemas.ConversationKey{Tenant: "acme", Channel: schemas.WhatsApp, AccountID: "1001", CustomerID: "33600000001"}

// clock parses "HH:MM" or "HH:MM:SS" on day; "+1d 10:00" is the next day.
func clock(s string) time.Time {
	d := day
	if rest, ok := strings.CutPrefix(s, "+"); ok {
		var n int
		fmt.Sscanf(rest, "%dd", &n)
		d = d.AddDate(0, 0, n)
		s = rest[strings.IndexByte(rest, ' ')+1:]
	}
	layout := "15:04"
	if strings.Count(s, ":") == 2 {
		layout = "15:04:05"
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		panic(err)
	}
	return d.Add(time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute + time.Duration(t.Second())*time.Second)
}

func ev(k schemas.Kind, at string, set func(*schemas.Event)) schemas.Event {
	e := schemas.Event{V: 1, Kind: k, Tenant: testKey.Tenant, Channel: testKey.Channel,
		AccountID: testKey.AccountID, CustomerID: testKey.CustomerID, OccurredAt: schemas.At(clock(at))}
	if set != nil {
		set(&e)
	}
	if e.ID == "" {
		e.ID = string(k) + "@" + at + "/" + e.Operator + e.Team + e.ToTeam + e.ToOperator
	}
	return e
}

func customer(at string) schemas.Event { return ev(schemas.KindCustomerMessage, at, nil) }
func routed(at, team string) schemas.Event {
	return ev(schemas.KindRouted, at, func(e *schemas.Event) { e.Team = team })
}
func assigned(at, op string) schemas.Event {
	return ev(schemas.KindAssigned, at, func(e *schemas.Event) { e.Operator = op })
}
func replied(at, op string) schemas.Event {
	return ev(schemas.KindOperatorReplied, at, func(e *schemas.Event) { e.Operator = op })
}
func transferred(at, toTeam, toOp string) schemas.Event {
	return ev(schemas.KindTransferred, at, func(e *schemas.Event) { e.ToTeam, e.ToOperator = toTeam, toOp })
}
func recovered(at, toTeam, toOp string) schemas.Event {
	return ev(schemas.KindRecovered, at, func(e *schemas.Event) { e.ToTeam, e.ToOperator = toTeam, toOp })
}
func closed(at, op string) schemas.Event {
	return ev(schemas.KindClosed, at, func(e *schemas.Event) { e.Operator = op })
}
func echo(at string, human bool) schemas.Event {
	return ev(schemas.KindBusinessMessage, at, func(e *schemas.Event) { e.HumanAgent = human })
}
func opStatus(at, op, status string) schemas.Event {
	return ev(schemas.KindOperatorStatus, at, func(e *schemas.Event) { e.Operator, e.Status = op, status })
}

func mustTenant(t testing.TB, p schemas.Policy) *Tenant {
	t.Helper()
	if p.Tenant == "" {
		p.Tenant = testKey.Tenant
	}
	tn, err := NewTenant(p)
	if err != nil {
		t.Fatal(err)
	}
	return tn
}

// derive folds events (in the order given) and evaluates at now.
func derive(t testing.TB, tn *Tenant, pr *Presence, events []schemas.Event, now string) []Conversation {
	t.Helper()
	s := NewState(testKey)
	for i := range events {
		if events[i].Kind == schemas.KindOperatorStatus {
			if _, err := pr.Apply(&events[i]); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if _, err := s.Add(tn, &events[i]); err != nil {
			t.Fatal(err)
		}
	}
	return s.Derive(nil, tn, pr, clock(now))
}

// summary renders what a scenario checks, one line per conversation.
func summary(cs []Conversation) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s", c.Status)
		if c.RecoverReason != "" {
			fmt.Fprintf(&b, "(%s)", c.RecoverReason)
		}
		fmt.Fprintf(&b, " team=%s op=%s", c.Team, c.Operator)
		for _, d := range c.Durations {
			fmt.Fprintf(&b, " %s=%s", d.Kind, time.Duration(d.Ms)*time.Millisecond)
		}
		if len(c.Transfers) > 0 {
			fmt.Fprintf(&b, " transfers=%d", len(c.Transfers))
		}
		if c.ClosedBy != "" {
			fmt.Fprintf(&b, " closed_by=%s", c.ClosedBy)
		}
		b.WriteString(" |")
		for _, h := range c.History {
			fmt.Fprintf(&b, " %s", h.Status)
			if h.Reason != "" {
				fmt.Fprintf(&b, "(%s)", h.Reason)
			}
			fmt.Fprintf(&b, "@%s", hhmm(h.From.Time))
		}
	}
	return b.String()
}

func hhmm(t time.Time) string {
	s := t.Format("15:04:05")
	if d := int(t.Sub(day).Hours()) / 24; d > 0 {
		s = fmt.Sprintf("+%dd %s", d, s)
	}
	return strings.TrimSuffix(s, ":00")
}
