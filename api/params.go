package api

import (
	"net/url"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxValue bounds a free-text value (team, operator, idempotency key...).
const maxValue = 200

// params reads a request's query parameters strictly: every parameter
// must be one the route knows, given once, so that a typo (teams=) is a
// 400 naming it rather than a silently unfiltered answer.
type params struct {
	values url.Values
}

func readParams(u *url.URL, known ...string) (params, *Error) {
	v, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return params{}, badRequest("", "the query string is malformed: %v", err)
	}
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(known, k) {
			return params{}, badRequest(k, "unknown parameter %q (this route takes %s)", k, strings.Join(known, ", "))
		}
		if len(v[k]) > 1 {
			return params{}, badRequest(k, "give %s once", k)
		}
	}
	return params{values: v}, nil
}

// text returns a free-text parameter ("" when absent).
func (p params) text(name string) (string, *Error) {
	s := p.values.Get(name)
	if e := checkText(name, s); e != nil {
		return "", e
	}
	return s, nil
}

// checkText accepts at most maxValue characters of printable UTF-8.
func checkText(field, s string) *Error {
	switch {
	case !utf8.ValidString(s):
		return badRequest(field, "%s is not valid UTF-8", field)
	case utf8.RuneCountInString(s) > maxValue:
		return badRequest(field, "%s is longer than %d characters", field, maxValue)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return badRequest(field, "%s holds control characters", field)
	}
	return nil
}
