package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// BusinessHours is a weekly schedule in one IANA time zone, e.g.
//
//	time_zone: Europe/Paris
//	weekly: {mon: ["09:00-12:30", "13:30-18:00"], sat: ["00:00-24:00"]}
//	holidays: ["2026-12-25"]
//
// A weekday that is not listed is closed all day.
type BusinessHours struct {
	TimeZone string              `yaml:"time_zone"`
	Weekly   map[string][]string `yaml:"weekly"`
	// Holidays are local dates (YYYY-MM-DD) closed all day.
	Holidays []string `yaml:"holidays"`
}

// weekdays maps the weekly keys to time.Weekday, in display order.
var weekdays = []struct {
	key string
	day time.Weekday
}{
	{"mon", time.Monday}, {"tue", time.Tuesday}, {"wed", time.Wednesday},
	{"thu", time.Thursday}, {"fri", time.Friday}, {"sat", time.Saturday}, {"sun", time.Sunday},
}

func weekdayOf(key string) (time.Weekday, bool) {
	for _, w := range weekdays {
		if w.key == key {
			return w.day, true
		}
	}
	return 0, false
}

func (bh *BusinessHours) validate(ps *problems, key string) {
	if bh == nil {
		return
	}
	if bh.TimeZone == "" {
		ps.add(join(key, "time_zone"), "is required (an IANA zone such as Europe/Paris)")
	} else if _, err := time.LoadLocation(bh.TimeZone); err != nil {
		ps.add(join(key, "time_zone"), "unknown time zone %q", bh.TimeZone)
	}
	for day, ivs := range bh.Weekly {
		dk := join(join(key, "weekly"), day)
		if _, ok := weekdayOf(day); !ok {
			ps.add(dk, "unknown weekday (want mon, tue, wed, thu, fri, sat or sun)")
			continue
		}
		validateDay(ps, dk, ivs)
	}
	for i, d := range bh.Holidays {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			ps.add(index(join(key, "holidays"), i), "want a date YYYY-MM-DD, got %q", d)
		}
	}
}

// validateDay checks each interval and that none overlaps another.
func validateDay(ps *problems, key string, ivs []string) {
	var ok []schemas.ClockInterval
	for i, s := range ivs {
		iv, err := parseInterval(s)
		if err != nil {
			ps.add(index(key, i), "%v", err)
			continue
		}
		ok = append(ok, iv)
	}
	slices.SortFunc(ok, func(a, b schemas.ClockInterval) int { return a.Start - b.Start })
	for i := 1; i < len(ok); i++ {
		if ok[i].Start < ok[i-1].End {
			ps.add(key, "intervals %s and %s overlap", formatInterval(ok[i-1]), formatInterval(ok[i]))
		}
	}
}

// parseInterval parses "HH:MM-HH:MM" into minutes after midnight; the end
// may be 24:00 and must come after the start (no interval crosses midnight:
// split it over two days).
func parseInterval(s string) (schemas.ClockInterval, error) {
	a, b, found := strings.Cut(s, "-")
	if !found {
		return schemas.ClockInterval{}, fmt.Errorf("want an interval HH:MM-HH:MM, got %q", s)
	}
	start, err1 := parseClock(strings.TrimSpace(a))
	end, err2 := parseClock(strings.TrimSpace(b))
	switch {
	case err1 != nil || err2 != nil:
		return schemas.ClockInterval{}, fmt.Errorf("want an interval HH:MM-HH:MM, got %q", s)
	case start == 24*60:
		return schemas.ClockInterval{}, fmt.Errorf("interval %q starts at 24:00", s)
	case end <= start:
		return schemas.ClockInterval{}, fmt.Errorf("interval %q ends before it starts (split a night shift over two days)", s)
	}
	return schemas.ClockInterval{Start: start, End: end}, nil
}

// parseClock parses "HH:MM" from 00:00 to 24:00.
func parseClock(s string) (int, error) {
	h, m, found := strings.Cut(s, ":")
	if !found || len(h) != 2 || len(m) != 2 {
		return 0, fmt.Errorf("bad clock %q", s)
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("bad clock %q", s)
	}
	return hh*60 + mm, nil
}

func formatInterval(iv schemas.ClockInterval) string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", iv.Start/60, iv.Start%60, iv.End/60, iv.End%60)
}

// policy converts a validated schedule; nil gives always open.
func (bh *BusinessHours) policy() schemas.BusinessHours {
	if bh == nil {
		return schemas.BusinessHours{}
	}
	out := schemas.BusinessHours{TimeZone: bh.TimeZone, Holidays: slices.Clone(bh.Holidays)}
	for day, ivs := range bh.Weekly {
		wd, ok := weekdayOf(day)
		if !ok {
			continue
		}
		for _, s := range ivs {
			if iv, err := parseInterval(s); err == nil {
				out.Weekly[wd] = append(out.Weekly[wd], iv)
			}
		}
		slices.SortFunc(out.Weekly[wd], func(a, b schemas.ClockInterval) int { return a.Start - b.Start })
	}
	return out
}
