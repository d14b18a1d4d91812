package schemas

// DeadLetter is a record that a stage could not handle, kept whole with the
// reason so that nothing signed or acknowledged is ever lost.
type DeadLetter struct {
	V          int    `json:"v"`
	Stage      string `json:"stage"`  // ingest, process, sink
	Reason     string `json:"reason"` // one line, for people
	Source     string `json:"source"` // route or topic it came from
	Tenant     string `json:"tenant,omitempty"`
	ReceivedAt Time   `json:"received_at"`
	// Headers keeps the request headers that matter for a re-drive
	// (signature, content type); never API keys.
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body"` // raw bytes as received
}
