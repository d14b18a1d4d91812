// Package console owns the supervisor's live console: the page, its
// script and styles, embedded in the binary and served at / beside the
// API (SPEC 4.1). Nothing is loaded from another host.
package console
