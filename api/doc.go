// Package api owns the supervisor API and its live console (SPEC 4.1,
// 4.2): HTTP routes, Bearer-token authentication per tenant, JSON errors,
// the reads it answers from ClickHouse (package cases) and the actions it
// publishes to Kafka as supervisor events.
package api

// Every response that names a time zone (the tenant's current period)
// must resolve it in minimal container images too.
import _ "time/tzdata"
