// Package archtest holds the test that keeps the direction of dependencies
// between floorwatch's packages: the data path reads from the import graph.
package archtest
