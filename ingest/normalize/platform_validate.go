package normalize

import (
	"slices"

	"github.com/floorwatch/floorwatch/schemas"
)

// check is one field rule: the field's name, its value and whether the
// type of the event requires it.
type check struct {
	name     string
	value    string
	required bool
}

// validate returns the first problem of p as a *FieldError, or nil.
func (p *platformEvent) validate(path string) error {
	fail := func(field, msg string) error { return &FieldError{Field: path + "." + field, Msg: msg} }
	if p.ID == "" {
		return fail("id", "required")
	}
	if p.Type == "" {
		return fail("type", "required")
	}
	kind := schemas.Kind(p.Type)
	if !slices.Contains(schemas.PlatformKinds, kind) {
		return fail("type", "unknown type "+quoteShort(p.Type))
	}
	if p.Source != nil {
		return fail("source", "reserved for supervisor actions taken through the supervisor API")
	}
	if p.ConversationID != nil {
		return fail("conversation_id", "reserved for supervisor actions taken through the supervisor API")
	}
	if p.OccurredAt == "" {
		return fail("occurred_at", "required")
	}
	at, err := schemas.ParseTime(p.OccurredAt)
	if err != nil {
		return fail("occurred_at", "not an RFC 3339 time")
	}
	// The same plausibility as webhook times (jsonvalue.go): an event
	// from before 2001-09-09 is a platform bug, and one before 1900 could
	// not even be stored (ClickHouse DateTime64).
	if at.Unix() < minSeconds {
		return fail("occurred_at", "before 2001-09-09T01:46:40Z: not a plausible event time")
	}
	if kind != schemas.KindOperatorStatus {
		if err := p.validateConversation(fail); err != nil {
			return err
		}
	}
	for _, c := range p.fieldChecks(kind) {
		switch {
		case c.value == "" && c.required:
			return fail(c.name, "required")
		case len(c.value) > maxFieldLen:
			return fail(c.name, "longer than 1024 bytes")
		case !validKeyPart(c.value):
			return fail(c.name, "must not contain '|' or control characters")
		}
	}
	if kind == schemas.KindOperatorStatus {
		switch p.Status {
		case schemas.OperatorAvailable, schemas.OperatorAway, schemas.OperatorOffline:
		case "":
			return fail("status", "required")
		default:
			return fail("status", "must be available, away or offline")
		}
	}
	if len(p.ID) > maxFieldLen {
		return fail("id", "longer than 1024 bytes")
	}
	return nil
}

// fieldChecks lists the optional and required string fields of a type.
func (p *platformEvent) fieldChecks(kind schemas.Kind) []check {
	return []check{
		{"team", p.Team, kind == schemas.KindRouted},
		{"operator", p.Operator, kind == schemas.KindAssigned || kind == schemas.KindOperatorReplied ||
			kind == schemas.KindOperatorStatus},
		{"interaction_type", p.InteractionType, false},
		{"to_team", p.ToTeam, false},
		{"to_operator", p.ToOperator, false},
	}
}

func (p *platformEvent) validateConversation(fail func(field, msg string) error) error {
	c := p.Conversation
	if c == nil {
		return fail("conversation", "required")
	}
	if c.Channel == "" {
		return fail("conversation.channel", "required")
	}
	if !schemas.Channel(c.Channel).Valid() {
		return fail("conversation.channel", "must be whatsapp, messenger, instagram or x")
	}
	for _, f := range []check{{"account_id", c.AccountID, true}, {"customer_id", c.CustomerID, true}} {
		switch {
		case f.value == "":
			return fail("conversation."+f.name, "required")
		case len(f.value) > maxFieldLen:
			return fail("conversation."+f.name, "longer than 1024 bytes")
		case !validKeyPart(f.value):
			return fail("conversation."+f.name, "must not contain '|' or control characters")
		}
	}
	return nil
}
