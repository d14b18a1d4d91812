package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/floorwatch/floorwatch/api/cases"
	"github.com/floorwatch/floorwatch/schemas"
)

// actionBody is the body of POST /api/v1/cases/{id}/transfer and /recover.
type actionBody struct {
	ToTeam         string `json:"to_team"`
	ToOperator     string `json:"to_operator"`
	IdempotencyKey string `json:"idempotency_key"`
}

// actionResponse is the 202 answer: the id of the event that carries the
// action, the same for every retry with the same idempotency key.
type actionResponse struct {
	EventID string `json:"event_id"`
}

// maxActionBody bounds an action's body.
const maxActionBody = 16 << 10

func (s *Server) transfer(r *http.Request, who supervisor) (int, any, error) {
	return s.act(r, who, schemas.KindTransferred)
}

func (s *Server) recover(r *http.Request, who supervisor) (int, any, error) {
	return s.act(r, who, schemas.KindRecovered)
}

// act takes a supervisor's transfer or recovery (SPEC 4.1, 2.2): it checks
// the body and the case, publishes the event and answers 202 once Kafka
// acknowledged it. The event's id comes from the tenant and the
// idempotency key, so a retry publishes the same event, which the
// processors apply once; a retry of an action already acknowledged is
// answered 202 with that id without checking the case again (the first
// one may have changed it: a recovered case is no longer to recover).
func (s *Server) act(r *http.Request, who supervisor, kind schemas.Kind) (int, any, error) {
	resp, repeated, err := s.actOnce(r, who, kind)
	outcome := "accepted"
	var e *Error
	switch {
	case repeated:
		outcome = "repeated"
	case errors.As(err, &e):
		outcome = map[int]string{http.StatusNotFound: "not_found", http.StatusConflict: "conflict",
			http.StatusServiceUnavailable: "unavailable"}[e.Status]
		if outcome == "" {
			outcome = "refused"
		}
	case err != nil:
		outcome = "error"
	}
	s.opts.Metrics.actions.WithLabelValues(actionName(kind), outcome).Inc()
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, resp, nil
}

// actOnce does the action, or recognises a retry (repeated).
func (s *Server) actOnce(r *http.Request, who supervisor, kind schemas.Kind) (resp actionResponse, repeated bool, err error) {
	if _, e := readParams(r.URL); e != nil {
		return resp, false, e
	}
	id := r.PathValue("conversation_id")
	b, e := readActionBody(r, kind)
	if e != nil {
		return resp, false, e
	}
	resp.EventID = supervisorEventID(who.tenant, b.IdempotencyKey)
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.QueryTimeout)
	defer cancel()
	if done, err := s.alreadyDone(ctx, who, b.IdempotencyKey, resp.EventID, id, kind); done || err != nil {
		return resp, done, err
	}
	ref, err := s.opts.Store.Case(ctx, who.tenant, id)
	if errors.Is(err, cases.ErrNotFound) {
		// The same answer whether the id is unknown or another tenant's.
		return resp, false, &Error{Status: http.StatusNotFound, Message: "no such case", Field: "conversation_id"}
	}
	if err != nil {
		return resp, false, err
	}
	switch {
	case kind == schemas.KindTransferred && ref.Status == schemas.StatusClosed:
		return resp, false, &Error{Status: http.StatusConflict, Message: "the case is closed", Field: "conversation_id"}
	case kind == schemas.KindRecovered && ref.Status != schemas.StatusToRecover:
		return resp, false, &Error{Status: http.StatusConflict,
			Message: fmt.Sprintf("the case is not to recover (it is %s)", ref.Status), Field: "conversation_id"}
	}
	now := schemas.At(s.opts.Now())
	ev := schemas.Event{V: schemas.EventVersion, Kind: kind, ID: resp.EventID, Tenant: who.tenant, Channel: ref.Key.Channel,
		AccountID: ref.Key.AccountID, CustomerID: ref.Key.CustomerID, OccurredAt: now, ReceivedAt: now,
		ToTeam: b.ToTeam, ToOperator: b.ToOperator, Source: schemas.SourceSupervisor, By: who.name, ConversationID: id}
	value, err := schemas.MarshalEvent(&ev)
	if err != nil {
		return resp, false, err
	}
	pctx, pcancel := context.WithTimeout(r.Context(), s.opts.PublishTimeout)
	defer pcancel()
	start := time.Now()
	if err := s.opts.Publisher.Publish(pctx, []byte(ev.Key().String()), value); err != nil {
		s.opts.Logger.Warn("api: action not acknowledged by Kafka", "tenant", who.tenant, "conversation_id", id,
			"action", actionName(kind), "err", err)
		return resp, false, &Error{Status: http.StatusServiceUnavailable,
			Message: "Kafka did not acknowledge the action in time; retry with the same idempotency_key", RetryAfter: s.opts.PublishTimeout}
	}
	s.opts.Metrics.publishLatency.Observe(time.Since(start).Seconds())
	s.actions.put(actionKey(who.tenant, b.IdempotencyKey), recentAction{eventID: resp.EventID, conversationID: id, kind: string(kind)})
	s.opts.Logger.Info("supervisor action", "tenant", who.tenant, "supervisor", who.name, "action", actionName(kind),
		"conversation_id", id, "to_team", b.ToTeam, "to_operator", b.ToOperator, "event_id", resp.EventID)
	return resp, false, nil
}

// alreadyDone reports whether the action with this idempotency key was
// acknowledged before: by this server (recent), or by any (the events
// table). The same key for another case or action is a 409.
func (s *Server) alreadyDone(ctx context.Context, who supervisor, key, eventID, id string, kind schemas.Kind) (bool, error) {
	reused := &Error{Status: http.StatusConflict, Message: "this idempotency_key was already used for another action", Field: "idempotency_key"}
	if a, ok := s.actions.get(actionKey(who.tenant, key)); ok {
		if a.conversationID != id || a.kind != string(kind) {
			return false, reused
		}
		return true, nil
	}
	ev, found, err := s.opts.Store.EventByID(ctx, who.tenant, eventID)
	if err != nil || !found {
		return false, err
	}
	ref, err := s.opts.Store.Case(ctx, who.tenant, id)
	if err != nil && !errors.Is(err, cases.ErrNotFound) {
		return false, err
	}
	if ev.Kind != kind || err != nil || ev.Key != ref.Key {
		return false, reused
	}
	return true, nil
}

func actionKey(tenant, idempotencyKey string) string { return tenant + "\x00" + idempotencyKey }

// supervisorEventID derives an action's event id from its tenant and
// idempotency key: the same key gives the same event, which every stage
// deduplicates (one conversation's events are unique by id).
func supervisorEventID(tenant, idempotencyKey string) string {
	h := sha256.Sum256([]byte(actionKey(tenant, idempotencyKey)))
	return "supervisor-" + hex.EncodeToString(h[:16])
}

func actionName(kind schemas.Kind) string {
	if kind == schemas.KindRecovered {
		return "recover"
	}
	return "transfer"
}

// readActionBody decodes and checks an action's body: a JSON object with
// known fields only, an idempotency key, and for a transfer a target.
func readActionBody(r *http.Request, kind schemas.Kind) (actionBody, *Error) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxActionBody+1))
	if err != nil {
		return actionBody{}, badRequest("", "cannot read the body: %v", err)
	}
	if len(raw) > maxActionBody {
		return actionBody{}, &Error{Status: http.StatusRequestEntityTooLarge, Message: fmt.Sprintf("the body is larger than %d bytes", maxActionBody)}
	}
	var b actionBody
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&b); err != nil {
		return actionBody{}, bodyError(err)
	}
	if dec.More() {
		return actionBody{}, badRequest("", "the body must hold one JSON object")
	}
	if strings.TrimSpace(b.IdempotencyKey) == "" {
		return b, badRequest("idempotency_key", "idempotency_key is required: a fresh value per action, the same for its retries")
	}
	for _, f := range []struct{ name, value string }{{"to_team", b.ToTeam}, {"to_operator", b.ToOperator}, {"idempotency_key", b.IdempotencyKey}} {
		if e := checkText(f.name, f.value); e != nil {
			return b, e
		}
		if f.name != "idempotency_key" && (f.value != strings.TrimSpace(f.value) || strings.Contains(f.value, "|")) {
			return b, badRequest(f.name, "%s must not start or end with spaces nor hold '|'", f.name)
		}
	}
	if kind == schemas.KindTransferred && b.ToTeam == "" && b.ToOperator == "" {
		return b, badRequest("to_team", "a transfer needs to_team, to_operator or both")
	}
	return b, nil
}

// bodyError names the field a JSON decoding error is about.
func bodyError(err error) *Error {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return badRequest(typeErr.Field, "%s must be a string", typeErr.Field)
	case errors.As(err, &typeErr):
		return badRequest("", "the body must be a JSON object")
	case errors.As(err, &syntaxErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("", "the body is not JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return badRequest(field, "unknown field %q (the body takes to_team, to_operator, idempotency_key)", field)
	}
	return badRequest("", "the body is not a valid action: %v", err)
}
