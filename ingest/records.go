package ingest

import (
	"github.com/floorwatch/floorwatch/ingest/decode"
	"github.com/floorwatch/floorwatch/internal/publish"
	"github.com/floorwatch/floorwatch/schemas"
)

// messages encodes what o carries as Kafka records: conversation events to
// the events topic keyed by conversation, operator presence to the
// operator-status topic keyed by operator, and the dead letter (unkeyed).
func messages(o *decode.Outcome, t schemas.Topics) ([]publish.Message, error) {
	msgs := make([]publish.Message, 0, len(o.Events)+1)
	for i := range o.Events {
		e := &o.Events[i]
		m := publish.Message{Topic: t.Events}
		// Key and value share one buffer: one allocation per record.
		buf := make([]byte, 0, 640)
		if e.Kind == schemas.KindOperatorStatus {
			m.Topic = t.OperatorStatus
			buf = schemas.AppendOperatorKey(buf, e.Tenant, e.Operator)
		} else {
			buf = e.Key().AppendTo(buf)
		}
		n := len(buf)
		buf = e.AppendJSON(buf) // schemas.MarshalEvent
		m.Key, m.Value = buf[:n:n], buf[n:]
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
