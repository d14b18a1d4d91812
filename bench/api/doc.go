// Package api holds the supervisor API's benchmarks: case lists over a
// generated live desk of many tenants, and how long a supervisor's action
// takes to show in the lists through the whole pipeline.
package api
