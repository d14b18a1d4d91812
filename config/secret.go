package config

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
)

const redacted = "<redacted>"

// Secret holds a credential (app secret, verify token, API key, password).
// Every way of printing it (fmt verbs, JSON, YAML, slog) writes
// "<redacted>"; only Value and Bytes reveal it. The zero Secret is unset.
// The value sits behind a pointer so that even a Secret inside an unexported
// field printed with %v shows an address, never the value.
type Secret struct{ p *string }

// NewSecret wraps s; an empty s gives the unset Secret.
func NewSecret(s string) Secret {
	if s == "" {
		return Secret{}
	}
	return Secret{p: &s}
}

// IsSet reports whether the secret has a non-empty value.
func (s Secret) IsSet() bool { return s.p != nil && *s.p != "" }

// Value returns the secret in clear. Call it only where the secret is used.
func (s Secret) Value() string {
	if s.p == nil {
		return ""
	}
	return *s.p
}

// Bytes returns a fresh copy of the secret in clear.
func (s Secret) Bytes() []byte { return []byte(s.Value()) }

// String implements fmt.Stringer.
func (s Secret) String() string { return redacted }

// GoString implements fmt.GoStringer.
func (s Secret) GoString() string { return redacted }

// Format implements fmt.Formatter for every verb.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalJSON writes "<redacted>", or "" when the secret is unset so that
// a shown configuration tells set from unset.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(s.shown()) }

// MarshalYAML writes "<redacted>", or "" when the secret is unset.
func (s Secret) MarshalYAML() (any, error) { return s.shown(), nil }

func (s Secret) shown() string {
	if s.IsSet() {
		return redacted
	}
	return ""
}
