// Package bizhours owns business-hours arithmetic: a weekly schedule in an
// IANA time zone with holidays, compiled into a Calendar that says whether
// an instant is open, how much open time lies between two instants and
// when the next open/close edge comes. Pure: standard library only.
package bizhours
