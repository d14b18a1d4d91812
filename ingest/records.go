package ingest

import (
	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/ingest/publish"
	"github.com/floorwatch/floorwatch/schemas"
)

// messages encodes what o carries as Kafka records: conversation events to
// the events topic keyed by conversation, operator presence to the
// operator-status topic keyed by operator, and the dead letter (unkeyed).
func messages(o *decode.Outcome, t schemas.Topics) ([]publish.Message, error) {
	msgs := make([]publish.Message, 0, len(o.Events)+1)
	for i := range o.Events {
		e := &o.Events[i]
		v, err := schemas.MarshalEvent(e)
		if err != nil {
			return nil, err
		}
		m := publish.Message{Topic: t.Events, Key: []byte(e.Key().String()), Value: v}
		if e.Kind == schemas.KindOperatorStatus {
			m.Topic, m.Key = t.OperatorStatus, []byte(schemas.OperatorKey(e.Tenant, e.Operator))
		}
		msgs = append(msgs, m)
	}
	if o.DeadLetter != nil {
		v, err := schemas.MarshalDeadLetter(o.DeadLetter)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, publish.Message{Topic: t.IngestDeadLetters, Value: v})
	}
	return msgs, nil
}
