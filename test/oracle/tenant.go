package oracle

import (
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// tenant is what the walk needs of one tenant: its policy, with the
// defaults of SPEC 3 filled, and its teams' calendars.
type tenant struct {
	policy    schemas.Policy
	calendars map[string]*calendar // by team; built on first use
}

func newTenant(p schemas.Policy) *tenant {
	if p.UnansweredAfter <= 0 {
		p.UnansweredAfter = schemas.DefaultUnansweredAfter
	}
	if p.AutoCloseAfter <= 0 {
		p.AutoCloseAfter = schemas.DefaultAutoCloseAfter
	}
	return &tenant{policy: p, calendars: map[string]*calendar{}}
}

// calendar returns the business hours of team: its own, else the tenant's.
func (t *tenant) calendar(team string) (*calendar, error) {
	if c, ok := t.calendars[team]; ok {
		return c, nil
	}
	c, err := newCalendar(t.policy.TeamHours(team))
	if err != nil {
		return nil, err
	}
	t.calendars[team] = c
	return c, nil
}

func (t *tenant) window(ch schemas.Channel) int64 { return t.policy.SupportWindow(ch).Milliseconds() }

func (t *tenant) threshold() int64 { return t.policy.UnansweredAfter.Milliseconds() }

func (t *tenant) autoClose() int64 { return t.policy.AutoCloseAfter.Milliseconds() }

func (t *tenant) target(team string) time.Duration { return t.policy.TeamTarget(team) }
