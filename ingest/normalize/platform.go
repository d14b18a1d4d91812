package normalize

import (
	"errors"
	"fmt"
	"time"

	json "github.com/goccy/go-json"

	"github.com/floorwatch/floorwatch/schemas"
)

// FieldError says which field of a platform event batch is wrong. Field is
// a path into the body ("events[3].conversation.channel"), or "body" when
// the body itself is not a JSON object.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// platformEvent is one SPEC 2.2 event as posted. Unknown fields are ignored.
type platformEvent struct {
	ID           string `json:"id"`
	Type         string `json:"type"`
	OccurredAt   string `json:"occurred_at"`
	Conversation *struct {
		Channel    string `json:"channel"`
		AccountID  string `json:"account_id"`
		CustomerID string `json:"customer_id"`
	} `json:"conversation"`
	InteractionType string `json:"interaction_type"`
	Team            string `json:"team"`
	Operator        string `json:"operator"`
	ToTeam          string `json:"to_team"`
	ToOperator      string `json:"to_operator"`
	Status          string `json:"status"`
	// Source and ConversationID mark supervisor actions, which only the
	// supervisor API writes: a platform may not send them (SPEC 2.2).
	Source         json.RawMessage `json:"source"`
	ConversationID json.RawMessage `json:"conversation_id"`
}

// maxFieldLen bounds every string field of a platform event.
const maxFieldLen = 1024

// PlatformEvents decodes a POST /v1/events body, {"events":[...]}, for
// tenant (SPEC 2.2). It is all or nothing: the first invalid field of any
// event returns a *FieldError naming it and no events. More than maxEvents
// events is an error too (maxEvents <= 0: no limit). Each event's ID is its
// id, Kind its type, OccurredAt its occurred_at; conversation.routed
// defaults interaction_type to "messaging"; operator.status carries no
// conversation. Pure and safe for concurrent use.
func PlatformEvents(body []byte, tenant string, receivedAt time.Time, maxEvents int) ([]schemas.Event, error) {
	var batch struct {
		Events *[]json.RawMessage `json:"events"`
	}
	if err := json.Unmarshal(body, &batch); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field == "events" {
			return nil, &FieldError{Field: "events", Msg: "must be an array"}
		}
		return nil, &FieldError{Field: "body", Msg: "not a JSON object: " + oneLine(err)}
	}
	if batch.Events == nil {
		return nil, &FieldError{Field: "events", Msg: "required"}
	}
	raws := *batch.Events
	if maxEvents > 0 && len(raws) > maxEvents {
		return nil, &FieldError{Field: "events", Msg: fmt.Sprintf("%d events, more than the limit of %d", len(raws), maxEvents)}
	}
	received := schemas.At(receivedAt)
	out := make([]schemas.Event, 0, len(raws))
	for i, raw := range raws {
		e, err := platformEvent1(raw, fmt.Sprintf("events[%d]", i))
		if err != nil {
			return nil, err
		}
		e.Tenant, e.ReceivedAt = tenant, received
		out = append(out, e)
	}
	return out, nil
}

// platformEvent1 decodes and validates one event; path prefixes field names.
func platformEvent1(raw json.RawMessage, path string) (schemas.Event, error) {
	var p platformEvent
	if err := json.Unmarshal(raw, &p); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return schemas.Event{}, &FieldError{Field: path + "." + te.Field, Msg: "must be a " + jsonKind(te.Type)}
		}
		return schemas.Event{}, &FieldError{Field: path, Msg: "must be an object"}
	}
	if string(raw) == "null" {
		return schemas.Event{}, &FieldError{Field: path, Msg: "must be an object"}
	}
	if err := p.validate(path); err != nil {
		return schemas.Event{}, err
	}
	at, _ := schemas.ParseTime(p.OccurredAt) // validated
	e := schemas.Event{
		V: schemas.EventVersion, Kind: schemas.Kind(p.Type), ID: p.ID, OccurredAt: at,
		InteractionType: p.InteractionType, Team: p.Team, Operator: p.Operator,
		ToTeam: p.ToTeam, ToOperator: p.ToOperator,
	}
	if e.Kind == schemas.KindOperatorStatus {
		e.Status = p.Status
		return e, nil
	}
	e.Channel = schemas.Channel(p.Conversation.Channel)
	e.AccountID, e.CustomerID = p.Conversation.AccountID, p.Conversation.CustomerID
	if e.Kind == schemas.KindRouted && e.InteractionType == "" {
		e.InteractionType = schemas.DefaultInteractionType
	}
	return e, nil
}

// jsonKind names the JSON type a Go type decodes from.
func jsonKind(t interface{ String() string }) string {
	switch s := t.String(); s {
	case "string":
		return "string"
	default:
		return "JSON object"
	}
}
