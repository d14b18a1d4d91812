package config

import (
	"fmt"
	"time"
)

// Window is a support window: a positive duration, or 0 written "none".
type Window time.Duration

// UnmarshalText accepts "none" or a Go duration such as 24h.
func (w *Window) UnmarshalText(b []byte) error {
	s := string(b)
	if s == "none" {
		*w = 0
		return nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return fmt.Errorf("want a positive duration such as 24h, or none; got %q", s)
	}
	*w = Window(d)
	return nil
}

// MarshalText writes "none" or the duration.
func (w Window) MarshalText() ([]byte, error) {
	if w == 0 {
		return []byte("none"), nil
	}
	return []byte(shortDuration(time.Duration(w))), nil
}
