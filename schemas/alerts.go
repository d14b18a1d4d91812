package schemas

import (
	"crypto/sha256"
	"encoding/hex"
)

// Alert metrics (SPEC 4.2): what a rule compares with its threshold, per
// team when the rule names one, else for the whole tenant. Durations are
// in milliseconds, shares between 0 and 1, the rest are counts.
const (
	AlertQueueLength        = "queue_length"
	AlertOldestWait         = "oldest_wait"
	AlertAtRiskCases        = "at_risk_cases"
	AlertToRecoverCases     = "to_recover_cases"
	AlertExpiredCases       = "expired_cases"
	AlertServiceLevel30m    = "service_level_30m"
	AlertOperatorsAvailable = "operators_available"
)

// AlertMetrics lists every alert metric.
var AlertMetrics = []string{AlertQueueLength, AlertOldestWait, AlertAtRiskCases, AlertToRecoverCases,
	AlertExpiredCases, AlertServiceLevel30m, AlertOperatorsAvailable}

// Alert states: a rule is firing while its metric is beyond its threshold,
// resolved otherwise (and before it ever fired).
const (
	AlertFiring   = "firing"
	AlertResolved = "resolved"
)

// AlertNotification is what a change of a rule's state is POSTed as to
// every notify URL of its tenant (SPEC 4.2), signed with
// X-Floorwatch-Signature. ID is derived from (tenant, rule, state, at): a
// repeat, after a restart or a failover, has the same id.
type AlertNotification struct {
	ID     string   `json:"id"`
	Tenant string   `json:"tenant"`
	Rule   string   `json:"rule"`
	State  string   `json:"state"`
	Value  *float64 `json:"value"` // null: nothing to measure (a share without first responses)
	Team   *string  `json:"team"`  // null: the rule watches the whole tenant
	At     Time     `json:"at"`
}

// AlertRule is the rule a record is about, as configured when it was
// written: enough for a reader to show what fired without the config.
type AlertRule struct {
	Name   string   `json:"name"`
	Team   *string  `json:"team"`
	Metric string   `json:"metric"`
	Above  *float64 `json:"above,omitempty"`
	Below  *float64 `json:"below,omitempty"`
}

// AlertOutboxEntry is a notification with the notify URLs that have not
// acknowledged it yet, each by its AlertURLFingerprint (a URL may carry a
// credential, so none is written).
type AlertOutboxEntry struct {
	Notification AlertNotification `json:"notification"`
	Pending      []string          `json:"pending"`
}

// AlertState is one rule's durable state, the value of a record of the
// compacted alerts topic keyed by AlertKey: the latest record of a key is
// the whole truth about its rule. Seq grows by one with each record of a
// key. Outbox holds the notifications some URL still has to acknowledge,
// oldest first; an entry whose last URL acknowledged it appears once more
// with Pending empty, then is dropped.
type AlertState struct {
	V      int       `json:"v"`
	Tenant string    `json:"tenant"`
	Rule   AlertRule `json:"rule"`
	Seq    uint64    `json:"seq"`
	// State, Since and ID are those of the rule's latest change; ID is
	// empty before the rule ever changed state.
	State  string             `json:"state"`
	Since  Time               `json:"since"`
	ID     string             `json:"id"`
	Value  *float64           `json:"value"`
	Outbox []AlertOutboxEntry `json:"outbox"`
	// Claim, on the records an evaluator writes when it takes over a
	// partition, is its claim's id: reading its own claim back tells it
	// it has read every earlier record. Other fields are empty then.
	Claim string `json:"claim,omitempty"`
}

// AlertURLFingerprint names a notify URL in records: the first 16 hex
// digits of its SHA-256.
func AlertURLFingerprint(url string) string {
	sum := sha256.Sum256([]byte(url))
	return hex.EncodeToString(sum[:8])
}

// AlertKey is the record key of tenant's rule in the alerts topic.
func AlertKey(tenant, rule string) string { return tenant + "|" + rule }
