package conversation

import (
	"fmt"
	"time"

	"github.com/floorwatch/floorwatch/processors/bizhours"
	"github.com/floorwatch/floorwatch/schemas"
)

// InboxOperator is the operator of business messages a person typed in the
// channel's own inbox, when the tenant counts them as replies.
const InboxOperator = "inbox"

// ClosedBySystem is Conversation.ClosedBy for an idle close.
const ClosedBySystem = "system"

// Tenant is one tenant's compiled policy: thresholds with defaults
// applied, business-hours calendars per team, and the names table of its
// event logs. Build one per tenant with NewTenant and share it between
// every State of the tenant; it is safe for concurrent use.
type Tenant struct {
	Policy     schemas.Policy
	names      *Names
	hours      *bizhours.Calendar
	teamHours  map[string]*bizhours.Calendar
	unanswered int64 // ms
	autoClose  int64 // ms
}

// NewTenant compiles p. Zero thresholds take the SPEC 3 defaults.
func NewTenant(p schemas.Policy) (*Tenant, error) {
	t := &Tenant{Policy: p, names: NewNames(), teamHours: map[string]*bizhours.Calendar{}}
	var err error
	if t.hours, err = bizhours.Compile(p.BusinessHours); err != nil {
		return nil, fmt.Errorf("tenant %s: %w", p.Tenant, err)
	}
	for name, team := range p.Teams {
		if team.BusinessHours == nil {
			continue
		}
		if t.teamHours[name], err = bizhours.Compile(*team.BusinessHours); err != nil {
			return nil, fmt.Errorf("tenant %s team %s: %w", p.Tenant, name, err)
		}
	}
	t.unanswered = orDefault(p.UnansweredAfter, schemas.DefaultUnansweredAfter)
	t.autoClose = orDefault(p.AutoCloseAfter, schemas.DefaultAutoCloseAfter)
	return t, nil
}

func orDefault(d, def time.Duration) int64 {
	if d <= 0 {
		d = def
	}
	return d.Milliseconds()
}

// Calendar returns the business hours of team (the tenant's when the team
// has none of its own).
func (t *Tenant) Calendar(team string) *bizhours.Calendar {
	if c, ok := t.teamHours[team]; ok {
		return c
	}
	return t.hours
}

// Names returns the tenant's names table.
func (t *Tenant) Names() *Names { return t.names }

// AutoCloseAfter is the idle-close delay in effect.
func (t *Tenant) AutoCloseAfter() time.Duration { return time.Duration(t.autoClose) * time.Millisecond }

// window returns the support window of ch in ms; 0 means none.
func (t *Tenant) window(ch schemas.Channel) int64 { return t.Policy.SupportWindow(ch).Milliseconds() }
