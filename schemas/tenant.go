package schemas

import "time"

// Defaults of SPEC 3 that apply when a tenant does not set its own.
const (
	DefaultUnansweredAfter    = 15 * time.Minute
	DefaultAutoCloseAfter     = 7 * 24 * time.Hour
	DefaultServiceLevelTarget = 5 * time.Minute
	DefaultTenant             = "default"
	// DefaultMaxFutureSkew is how far after its arrival an event may claim
	// to have occurred (ingest.max_future_skew, SPEC 2.2.1).
	DefaultMaxFutureSkew = 5 * time.Minute
)

// DefaultSupportWindow returns the channel's support window; 0 means none.
func DefaultSupportWindow(c Channel) time.Duration {
	switch c {
	case WhatsApp, Messenger, Instagram:
		return 24 * time.Hour
	}
	return 0
}

// Policy is what the conversation core needs to know of one tenant. It is
// plain data: config builds it, processors compile it.
type Policy struct {
	Tenant string
	// EchoesAsReplies counts human-agent echoes as operator.replied by
	// operator "inbox" and routes the first customer message to DefaultTeam.
	EchoesAsReplies bool
	DefaultTeam     string
	UnansweredAfter time.Duration
	AutoCloseAfter  time.Duration
	// SupportWindows overrides DefaultSupportWindow per channel; 0 = none.
	SupportWindows map[Channel]time.Duration
	// BusinessHours applies to teams that have none of their own.
	BusinessHours      BusinessHours
	ServiceLevelTarget time.Duration
	Teams              map[string]TeamPolicy
}

// TeamPolicy is a team's own business hours and service-level target;
// zero values fall back to the tenant's.
type TeamPolicy struct {
	BusinessHours      *BusinessHours
	ServiceLevelTarget time.Duration
}

// BusinessHours is a weekly schedule in one IANA time zone. An empty
// TimeZone means always open.
type BusinessHours struct {
	TimeZone string
	// Weekly holds, per weekday (time.Sunday = 0), the open intervals in
	// local wall-clock time; several intervals allow split shifts.
	Weekly [7][]ClockInterval
	// Holidays are local dates ("2026-12-25") when the team is closed all day.
	Holidays []string
}

// ClockInterval is [Start, End) in minutes after local midnight; End may be
// 24*60 for "until midnight".
type ClockInterval struct {
	Start, End int
}

// AlwaysOpen reports whether bh has no schedule at all.
func (bh BusinessHours) AlwaysOpen() bool { return bh.TimeZone == "" }

// DefaultPolicy is the policy of a tenant that sets nothing.
func DefaultPolicy(tenant string) Policy {
	return Policy{
		Tenant:             tenant,
		UnansweredAfter:    DefaultUnansweredAfter,
		AutoCloseAfter:     DefaultAutoCloseAfter,
		ServiceLevelTarget: DefaultServiceLevelTarget,
	}
}

// SupportWindow returns the tenant's window for channel c; 0 means none.
func (p *Policy) SupportWindow(c Channel) time.Duration {
	if w, ok := p.SupportWindows[c]; ok {
		return w
	}
	return DefaultSupportWindow(c)
}

// TeamHours returns the business hours that apply to team.
func (p *Policy) TeamHours(team string) BusinessHours {
	if t, ok := p.Teams[team]; ok && t.BusinessHours != nil {
		return *t.BusinessHours
	}
	return p.BusinessHours
}

// TeamTarget returns the service-level target of team.
func (p *Policy) TeamTarget(team string) time.Duration {
	if t, ok := p.Teams[team]; ok && t.ServiceLevelTarget > 0 {
		return t.ServiceLevelTarget
	}
	if p.ServiceLevelTarget > 0 {
		return p.ServiceLevelTarget
	}
	return DefaultServiceLevelTarget
}
