// Package oracle computes the report of SPEC 5 from the whole event log in one deliberately simple batch pass, written apart from the processors, so that end-to-end tests can check `floorwatch report` and `floorwatch replay` against it.
package oracle
