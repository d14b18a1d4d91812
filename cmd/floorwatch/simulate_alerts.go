package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/floorwatch/floorwatch/api/alerts"
	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/schemas"
)

// receiveAlerts plays the tenants' alert receivers (their notify URLs
// pointing at addr): it verifies each notification with the secrets of
// its tenant's notify targets, prints it as one "alert:" line on w and
// answers 204; a signature none verifies gets 401. It serves until the
// returned stop is called.
func receiveAlerts(addr string, dir *config.Directory, w io.Writer) (stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, usageError("--receive-alerts: %v", err)
	}
	var mu sync.Mutex
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		var n schemas.AlertNotification
		if err != nil || r.Method != http.MethodPost || json.Unmarshal(body, &n) != nil {
			http.Error(rw, "want a POSTed alert notification", http.StatusBadRequest)
			return
		}
		verified := false
		for _, t := range dir.AlertTargets(n.Tenant) {
			verified = verified || alerts.Verify(t.Secret, body, r.Header.Get(alerts.SignatureHeader))
		}
		if !verified {
			http.Error(rw, "signature does not verify", http.StatusUnauthorized)
			return
		}
		team, value := "all teams", "null"
		if n.Team != nil {
			team = *n.Team
		}
		if n.Value != nil {
			value = strconv.FormatFloat(*n.Value, 'f', -1, 64)
		}
		mu.Lock()
		fmt.Fprintf(w, "alert: %s %s %s (%s) value=%s at=%s id=%s\n", n.Tenant, n.Rule, n.State, team, value, n.At, n.ID)
		mu.Unlock()
		rw.WriteHeader(http.StatusNoContent)
	})}
	go func() { _ = srv.Serve(ln) }()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
