// Package chaos runs the fault suite: simulated traffic from two tenants through a whole floorwatch deployment (two instances of each role, a three-node Kafka cluster, a ClickHouse of its own) while it SIGKILLs instances, a broker and ClickHouse, then proves by event id and by indicator that nothing acknowledged was lost or counted twice.
//
// The flow of one run (Run):
//
//	services up (own state dir and ports) ─> floorwatch migrate ─> Fleet: ingest×2, process×2, sink×2
//	        │                                                          ▲
//	        │   Sender: simulate.New requests, paced, retried until    │ SIGKILL at the moments of
//	        │   2xx or their final refusal, acknowledged ones kept ──> │ Schedule(seed), restart;
//	        │                                                          │ kill a broker, ClickHouse
//	        ▼
//	traffic ends ─> every instance up ─> watermarks pass `to` ─> Verdict:
//	  events: every acknowledged event id stored exactly once (events, operator_status FINAL)
//	  indicators: `floorwatch report` equals the Expected report over the acknowledged requests
//	  answers, crashes, secrets in logs
//
// cmd/chaos is the command; scripts/chaos the documented way to run it.
package chaos
