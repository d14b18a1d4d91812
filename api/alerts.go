package api

import (
	"context"
	"net/http"
)

// alerts answers GET /api/v1/alerts: the tenant's configured alert rules
// with their state, and its latest changes of state (SPEC 4.2).
func (s *Server) alerts(r *http.Request, who supervisor) (int, any, error) {
	if _, e := readParams(r.URL); e != nil {
		return 0, nil, e
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.QueryTimeout)
	defer cancel()
	a, err := s.opts.Store.Alerts(ctx, who.tenant, s.opts.Directory.AlertRules(who.tenant))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, a, nil
}
