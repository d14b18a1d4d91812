package clickhouse

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// Row is one row for one table: Value points to the table's row type
// (tables.go), whose `ch` tags name its columns.
type Row struct {
	Table string
	Value any
}

// Rows decodes one record value of topic into table rows (none for a
// record that is only bookkeeping, or a tombstone of the alerts topic).
// An error means the record can never be written (undecodable, or a
// value the tables refuse): the caller dead-letters it.
func Rows(topic string, value []byte) ([]Row, error) {
	switch topic {
	case schemas.TopicMetrics:
		var m schemas.MetricDelta
		return decode(value, &m, func() ([]Row, error) { return metricRows(&m) })
	case schemas.TopicConversations:
		var c schemas.ConversationRow
		return decode(value, &c, func() ([]Row, error) { return conversationRows(&c) })
	case schemas.TopicStatusChanges:
		var s schemas.StatusChange
		return decode(value, &s, func() ([]Row, error) { return statusRows(&s) })
	case schemas.TopicGauges:
		var g schemas.GaugeSnapshot
		return decode(value, &g, func() ([]Row, error) { return gaugeRows(&g) })
	case schemas.TopicWatermarks:
		var w schemas.Watermark
		return decode(value, &w, func() ([]Row, error) { return watermarkRows(&w) })
	case schemas.TopicEvents:
		var e schemas.Event
		return decode(value, &e, func() ([]Row, error) { return eventRows(&e) })
	case schemas.TopicOperatorStatus:
		var e schemas.Event
		return decode(value, &e, func() ([]Row, error) { return operatorStatusRows(&e) })
	case schemas.TopicAlerts:
		return alertRows(value)
	}
	return nil, fmt.Errorf("no table for topic %s", topic)
}

func decode(value []byte, v any, rows func() ([]Row, error)) ([]Row, error) {
	if err := json.Unmarshal(value, v); err != nil {
		return nil, fmt.Errorf("undecodable record: %w", err)
	}
	return rows()
}

// minTime and maxTime bound what DateTime64(3) holds.
var (
	minTime = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2299, 12, 31, 0, 0, 0, 0, time.UTC)
)

// checker collects the first problem of a record's fields. A lenient
// checker (retractions) accepts missing required values.
type checker struct {
	err     error
	lenient bool
}

func (c *checker) fail(format string, a ...any) {
	if c.err == nil {
		c.err = fmt.Errorf(format, a...)
	}
}

// at returns a required time.
func (c *checker) at(field string, t schemas.Time) time.Time {
	if t.IsZero() {
		if !c.lenient {
			c.fail("%s is required", field)
		}
		return time.Unix(0, 0).UTC()
	}
	return c.inRange(field, t)
}

// opt returns an optional time: nil when zero.
func (c *checker) opt(field string, t schemas.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	v := c.inRange(field, t)
	return &v
}

func (c *checker) inRange(field string, t schemas.Time) time.Time {
	if t.Before(minTime) || t.After(maxTime) {
		c.fail("%s %s is outside 1900-2299", field, t)
		return time.Unix(0, 0).UTC()
	}
	return t.UTC()
}

func (c *checker) nonEmpty(field, s string) string {
	if s == "" && !c.lenient {
		c.fail("%s is required", field)
	}
	return s
}

func (c *checker) version(v int64) uint64 {
	if v < 0 {
		c.fail("version %d is negative", v)
		return 0
	}
	return uint64(v)
}

// optMs maps the -1 "none" of duration fields to NULL.
func optMs(ms int64, present bool) *int64 {
	if !present || ms < 0 {
		return nil
	}
	return &ms
}

func flag(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}
