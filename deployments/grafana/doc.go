// Package grafana holds floorwatch's Grafana provisioning (data source,
// dashboard provider, dashboards as JSON) and the test that runs every
// panel's SQL against a real ClickHouse.
package grafana
