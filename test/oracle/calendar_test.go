package oracle

import (
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

func paris(t *testing.T, s string) int64 {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v.UnixMilli()
}

func TestCalendar(t *testing.T) {
	const h = int64(time.Hour / time.Millisecond)
	p := parisOffice()
	office, err := newCalendar(p.BusinessHours)
	if err != nil {
		t.Fatal(err)
	}
	weekend, err := newCalendar(*p.Teams["weekend"].BusinessHours)
	if err != nil {
		t.Fatal(err)
	}
	always, err := newCalendar(schemas.BusinessHours{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		got  int64
		want int64
	}{
		// 09:00-12:30 and 13:30-18:00: 8 h on a Wednesday, 0 on Saturday.
		{"a weekday", office.business(paris(t, "2026-11-18 00:00"), paris(t, "2026-11-19 00:00")), 8 * h},
		{"a Saturday", office.business(paris(t, "2026-11-21 00:00"), paris(t, "2026-11-22 00:00")), 0},
		// Christmas is a holiday (a Friday).
		{"a holiday", office.business(paris(t, "2026-12-25 00:00"), paris(t, "2026-12-26 00:00")), 0},
		// Clocks go forward on 2026-03-29 and back on 2026-10-25 (Sundays):
		// the weekend team's 00:00-24:00 lasts 23 h, then 25 h.
		{"spring forward", weekend.business(paris(t, "2026-03-29 00:00"), paris(t, "2026-03-30 00:00")), 23 * h},
		{"fall back", weekend.business(paris(t, "2026-10-25 00:00"), paris(t, "2026-10-26 00:00")), 25 * h},
		// Office hours keep their 8 h on the Monday after either change.
		{"monday after", office.business(paris(t, "2026-10-26 00:00"), paris(t, "2026-10-27 00:00")), 8 * h},
		// Without a time zone, business time is calendar time.
		{"always open", always.business(0, 5*h), 5 * h},
		// Part of an interval: 17:30 → 09:30 the next day is 30 + 30 min.
		{"overnight", office.business(paris(t, "2026-11-18 17:30"), paris(t, "2026-11-19 09:30")), h},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: %d ms, want %d", c.name, c.got, c.want)
		}
	}
	// Saturday 24:00 and Sunday 00:00 join: midnight is not an edge.
	if weekend.closedThroughout(paris(t, "2026-11-21 23:59"), paris(t, "2026-11-22 00:01")) {
		t.Error("the weekend team is closed around Saturday midnight")
	}
	// Closed from Wednesday 18:00 through Thursday 08:59, open at 09:00.
	if !office.closedThroughout(paris(t, "2026-11-18 18:00"), paris(t, "2026-11-19 09:00")-1) ||
		office.closedThroughout(paris(t, "2026-11-18 18:00"), paris(t, "2026-11-19 09:00")) {
		t.Error("office hours: closed from 18:00 until 09:00 exclusive")
	}
	if !office.open(paris(t, "2026-11-18 12:29")) || office.open(paris(t, "2026-11-18 12:30")) || always.open(0) != true {
		t.Error("open: lunch starts at 12:30; no time zone is always open")
	}
}
