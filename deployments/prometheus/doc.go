// Package prometheus holds floorwatch's Prometheus alert rules
// (alerts.yaml, their promtool unit tests in alerts_test.yaml), the scrape
// configuration of the compose deployment, and MetricNames, which the
// tests use to check that every series a rule or dashboard reads is one
// the code exports.
package prometheus
