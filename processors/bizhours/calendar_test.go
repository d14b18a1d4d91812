package bizhours

import (
	"testing"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// week builds a schedule open on the given weekdays with the same intervals.
func week(tz string, days []time.Weekday, ivs ...schemas.ClockInterval) schemas.BusinessHours {
	bh := schemas.BusinessHours{TimeZone: tz}
	for _, d := range days {
		bh.Weekly[d] = ivs
	}
	return bh
}

var (
	weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	allDays  = []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}
	nineSix  = schemas.ClockInterval{Start: 9 * 60, End: 18 * 60}
	allDay   = schemas.ClockInterval{Start: 0, End: 24 * 60}
)

func mustCompile(t *testing.T, bh schemas.BusinessHours) *Calendar {
	t.Helper()
	c, err := Compile(bh)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func at(t *testing.T, tz, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation(tz)
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestBusinessTimeBetweenTwoInstants(t *testing.T) {
	paris, ny := "Europe/Paris", "America/New_York"
	split := []schemas.ClockInterval{{Start: 9 * 60, End: 12*60 + 30}, {Start: 13*60 + 30, End: 18 * 60}}
	holiday := week(paris, weekdays, nineSix)
	holiday.Holidays = []string{"2026-12-25"}
	night := schemas.BusinessHours{TimeZone: paris}
	night.Weekly[time.Monday] = []schemas.ClockInterval{{Start: 22 * 60, End: 24 * 60}}
	night.Weekly[time.Tuesday] = []schemas.ClockInterval{{Start: 0, End: 6 * 60}}
	cases := []struct {
		name     string
		bh       schemas.BusinessHours
		tz, a, b string
		want     time.Duration
	}{
		{"an ordinary weekday counts nine hours", week(paris, weekdays, nineSix), paris, "2026-11-18 00:00", "2026-11-19 00:00", 9 * time.Hour},
		{"a span inside the hours counts whole", week(paris, weekdays, nineSix), paris, "2026-11-18 10:00", "2026-11-18 10:07", 7 * time.Minute},
		{"a weekend counts nothing", week(paris, weekdays, nineSix), paris, "2026-11-21 00:00", "2026-11-23 00:00", 0},
		{"a span over a night counts both evenings and mornings", week(paris, weekdays, nineSix), paris, "2026-11-18 17:00", "2026-11-19 10:00", 2 * time.Hour},
		{"split shifts skip the lunch break", week(paris, weekdays, split...), paris, "2026-11-18 12:00", "2026-11-18 14:00", time.Hour},
		{"a holiday counts nothing", holiday, paris, "2026-12-25 00:00", "2026-12-26 00:00", 0},
		{"a night shift spans midnight", night, paris, "2026-11-16 23:00", "2026-11-17 01:00", 2 * time.Hour},
		{"all day on the Paris spring-forward day lasts 23 hours", week(paris, allDays, allDay), paris, "2026-03-29 00:00", "2026-03-30 00:00", 23 * time.Hour},
		{"all day on the Paris fall-back day lasts 25 hours", week(paris, allDays, allDay), paris, "2026-10-25 00:00", "2026-10-26 00:00", 25 * time.Hour},
		{"nine to six on the New York spring-forward Monday lasts nine hours", week(ny, allDays, nineSix), ny, "2026-03-08 00:00", "2026-03-09 00:00", 9 * time.Hour},
		{"midnight to three on the New York fall-back day lasts four hours", week(ny, allDays, schemas.ClockInterval{Start: 0, End: 180}), ny, "2026-11-01 00:00", "2026-11-02 00:00", 4 * time.Hour},
		{"midnight to three on the New York spring-forward day lasts two hours", week(ny, allDays, schemas.ClockInterval{Start: 0, End: 180}), ny, "2026-03-08 00:00", "2026-03-09 00:00", 2 * time.Hour},
		{"no time zone is always open", schemas.BusinessHours{}, paris, "2026-11-21 00:00", "2026-11-23 00:00", 48 * time.Hour},
		{"a backwards span is zero", week(paris, weekdays, nineSix), paris, "2026-11-18 12:00", "2026-11-18 10:00", 0},
		{"a four-week span counts twenty working days", week(paris, weekdays, nineSix), paris, "2026-11-02 00:00", "2026-11-30 00:00", 20 * 9 * time.Hour},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cal := mustCompile(t, c.bh)
			if got := cal.Business(at(t, c.tz, c.a), at(t, c.tz, c.b)); got != c.want {
				t.Errorf("Business = %v, want %v", got, c.want)
			}
		})
	}
}

func TestOpenAndNextChange(t *testing.T) {
	paris := "Europe/Paris"
	joined := schemas.BusinessHours{TimeZone: paris}
	joined.Weekly[time.Monday] = []schemas.ClockInterval{{Start: 20 * 60, End: 24 * 60}}
	joined.Weekly[time.Tuesday] = []schemas.ClockInterval{{Start: 0, End: 2 * 60}}
	holiday := week(paris, weekdays, nineSix)
	holiday.Holidays = []string{"2026-12-24", "2026-12-25"}
	cases := []struct {
		name string
		bh   schemas.BusinessHours
		t    string
		open bool
		next string // "" = never
	}{
		{"before opening it is closed until nine", week(paris, weekdays, nineSix), "2026-11-18 08:00", false, "2026-11-18 09:00"},
		{"at nine it is open until six", week(paris, weekdays, nineSix), "2026-11-18 09:00", true, "2026-11-18 18:00"},
		{"at six it is closed", week(paris, weekdays, nineSix), "2026-11-18 18:00", false, "2026-11-19 09:00"},
		{"on Friday evening the next edge is Monday", week(paris, weekdays, nineSix), "2026-11-20 19:00", false, "2026-11-23 09:00"},
		{"holidays are skipped", holiday, "2026-12-23 19:00", false, "2026-12-28 09:00"},
		{"midnight is no edge when 24:00 meets 00:00", joined, "2026-11-16 23:00", true, "2026-11-17 02:00"},
		{"on the spring-forward day nine is nine", week(paris, allDays, nineSix), "2026-03-29 01:00", false, "2026-03-29 09:00"},
		{"all week all day never changes", week(paris, allDays, allDay), "2026-03-29 01:00", true, ""},
		{"an empty week never opens", schemas.BusinessHours{TimeZone: paris}, "2026-03-29 01:00", false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cal := mustCompile(t, c.bh)
			tt := at(t, paris, c.t)
			if got := cal.Open(tt); got != c.open {
				t.Errorf("Open = %v, want %v", got, c.open)
			}
			next, ok := cal.NextChange(tt)
			switch {
			case c.next == "" && ok:
				t.Errorf("NextChange = %v, want never", next)
			case c.next != "" && (!ok || !next.Equal(at(t, paris, c.next))):
				t.Errorf("NextChange = %v %v, want %s", next, ok, c.next)
			}
		})
	}
}

func TestCompileRejectsBadSchedules(t *testing.T) {
	bad := []schemas.BusinessHours{
		{TimeZone: "Mars/Olympus"},
		week("Europe/Paris", weekdays, schemas.ClockInterval{Start: 600, End: 500}),
		{TimeZone: "Europe/Paris", Holidays: []string{"25/12/2026"}},
	}
	for _, bh := range bad {
		if _, err := Compile(bh); err == nil {
			t.Errorf("Compile(%+v) accepted a bad schedule", bh)
		}
	}
}
