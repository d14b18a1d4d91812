package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Error is a client-facing error: the status it is answered with and the
// body {"error": Message, "field": Field} (Field null when no single
// field or parameter is at fault). Handlers return it; the route wrapper
// writes it, so each failure is classified once, at the edge.
type Error struct {
	Status  int
	Message string
	Field   string
	// RetryAfter, when positive, is sent as the Retry-After header.
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Message }

func badRequest(field, format string, a ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Message: fmt.Sprintf(format, a...), Field: field}
}

// errorBody is the JSON of every error.
type errorBody struct {
	Error string  `json:"error"`
	Field *string `json:"field"`
}

func writeError(w http.ResponseWriter, e *Error) {
	body := errorBody{Error: e.Message}
	if e.Field != "" {
		body.Field = &e.Field
	}
	if e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
	if e.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="floorwatch"`)
	}
	writeJSON(w, e.Status, body)
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	b, err := json.Marshal(body)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error","field":null}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	// Answers are live and per tenant: no cache may keep them.
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
