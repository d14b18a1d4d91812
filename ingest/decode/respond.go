package decode

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// The content types of the answers.
const (
	ContentJSON = "application/json"
	ContentText = "text/plain; charset=utf-8"
)

// errorBody is the JSON body of every error answer. Field names the
// offending field of a platform events batch ("events[2].type").
type errorBody struct {
	Error string `json:"error"`
	Field string `json:"field,omitempty"`
}

// ErrorOutcome answers status with {"error": msg}; reason is the short
// code for metrics and logs.
func ErrorOutcome(status int, reason, msg string) Outcome {
	return Outcome{Status: status, ContentType: ContentJSON, Response: jsonBody(errorBody{Error: msg}), Reason: reason}
}

// fieldOutcome answers 400 naming the field of a batch that is wrong.
func fieldOutcome(field, msg string) Outcome {
	return Outcome{Status: http.StatusBadRequest, ContentType: ContentJSON,
		Response: jsonBody(errorBody{Error: msg, Field: field}), Reason: "bad_field"}
}

// okOutcome answers 200 {"accepted": n, "dead_lettered": bool}.
func okOutcome(accepted int, deadLettered bool) Outcome {
	b := []byte(`{"accepted":` + strconv.Itoa(accepted))
	if deadLettered {
		b = append(b, `,"dead_lettered":true`...)
	}
	b = append(b, '}')
	return Outcome{Status: http.StatusOK, ContentType: ContentJSON, Response: b}
}

func jsonBody(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		// Only strings go in: marshaling cannot fail.
		return []byte(`{"error":"internal error"}`)
	}
	return b
}
