package api

import (
	"net/http"
	"slices"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// meResponse is GET /api/v1/me: what the console needs to know of the
// supervisor and their tenant.
type meResponse struct {
	Tenant     string `json:"tenant"`
	Supervisor string `json:"supervisor"`
	// TimeZone is the tenant's (its business hours'), UTC without one;
	// Today is the current period in it, [midnight, next midnight).
	TimeZone string       `json:"time_zone"`
	Now      schemas.Time `json:"now"`
	Today    period       `json:"today"`
	// Teams are the tenant's configured teams, by name; cases may name
	// others, which GET /api/v1/teams lists too.
	Teams    []string          `json:"teams"`
	Channels []schemas.Channel `json:"channels"`
	// UnansweredAfterMs is the tenant's unanswered threshold;
	// ServiceLevelTargetMs the first-response target of teams without
	// their own, TeamTargetsMs each configured team's.
	UnansweredAfterMs    int64            `json:"unanswered_after_ms"`
	ServiceLevelTargetMs int64            `json:"service_level_target_ms"`
	TeamTargetsMs        map[string]int64 `json:"team_targets_ms"`
}

type period struct {
	From schemas.Time `json:"from"`
	To   schemas.Time `json:"to"`
}

func (s *Server) me(r *http.Request, who supervisor) (int, any, error) {
	if _, e := readParams(r.URL); e != nil {
		return 0, nil, e
	}
	p := s.opts.Directory.Policy(who.tenant)
	tz := p.BusinessHours.TimeZone
	loc, err := time.LoadLocation(tz)
	if tz == "" || err != nil {
		tz, loc = "UTC", time.UTC
	}
	now := s.opts.Now()
	local := now.In(loc)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	resp := meResponse{
		Tenant: who.tenant, Supervisor: who.name, TimeZone: tz, Now: schemas.At(now),
		Today:             period{From: schemas.At(midnight), To: schemas.At(midnight.AddDate(0, 0, 1))},
		Teams:             []string{},
		Channels:          s.opts.Directory.Channels(who.tenant),
		UnansweredAfterMs: p.UnansweredAfter.Milliseconds(), ServiceLevelTargetMs: p.TeamTarget("").Milliseconds(),
		TeamTargetsMs: map[string]int64{},
	}
	if resp.UnansweredAfterMs <= 0 {
		resp.UnansweredAfterMs = schemas.DefaultUnansweredAfter.Milliseconds()
	}
	for team := range p.Teams {
		resp.Teams = append(resp.Teams, team)
		resp.TeamTargetsMs[team] = p.TeamTarget(team).Milliseconds()
	}
	slices.Sort(resp.Teams)
	if resp.Channels == nil {
		resp.Channels = []schemas.Channel{}
	}
	return http.StatusOK, resp, nil
}
