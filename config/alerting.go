package config

import "time"

// Alerting is how the api role evaluates alert rules and delivers their
// notifications (SPEC 4.2); the rules themselves are per tenant.
type Alerting struct {
	// EvaluateEvery is the pause between two evaluations of a tenant's
	// rules on the live state.
	EvaluateEvery time.Duration `yaml:"evaluate_every"`
	// NotifyTimeout bounds one POST to a notify URL.
	NotifyTimeout time.Duration `yaml:"notify_timeout"`
	// RetryInitial and RetryMax bound the pause before the next attempt
	// at a notification that got no 2xx: it doubles from RetryInitial up
	// to RetryMax, with jitter, until a 2xx.
	RetryInitial time.Duration `yaml:"retry_initial"`
	RetryMax     time.Duration `yaml:"retry_max"`
}

func (a *Alerting) setDefaults() {
	a.EvaluateEvery = 2 * time.Second
	a.NotifyTimeout = 10 * time.Second
	a.RetryInitial = time.Second
	a.RetryMax = time.Minute
}

func (a *Alerting) validate(ps *problems, key string) {
	checkDuration(ps, join(key, "evaluate_every"), a.EvaluateEvery)
	checkDuration(ps, join(key, "notify_timeout"), a.NotifyTimeout)
	checkDuration(ps, join(key, "retry_initial"), a.RetryInitial)
	checkDuration(ps, join(key, "retry_max"), a.RetryMax)
	if a.RetryMax < a.RetryInitial {
		ps.add(join(key, "retry_max"), "must not be less than retry_initial (%s), got %s", a.RetryInitial, a.RetryMax)
	}
}
