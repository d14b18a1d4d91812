package config

import (
	"strings"
	"unicode"
)

// Supervisor is a person allowed to use a tenant's supervisor API and
// console (SPEC 4.1): every request carries Token as its Bearer token,
// and Name is written as the author (`by`) of the supervisor's actions.
type Supervisor struct {
	// Name identifies the supervisor in the actions they take.
	Name string `yaml:"name"`
	// Token is the supervisor's Bearer token; like every secret it may be
	// given as token_file or token_env.
	Token Secret `yaml:"token"`
}

// minTokenLength keeps guessable tokens out: a token is the only thing
// between the network and a tenant's cases.
const minTokenLength = 16

// checkSupervisors validates one tenant's supervisors (key is the list's
// path) and records each token in tokens, so a token names one
// supervisor of one tenant. Messages name places, never a token.
func checkSupervisors(ps *problems, key, tenant string, list []Supervisor, tokens map[string]string) {
	names := map[string]string{}
	for i, s := range list {
		sk := index(key, i)
		switch name := strings.TrimSpace(s.Name); {
		case name == "":
			ps.add(join(sk, "name"), "is required")
		case name != s.Name || len(name) > 64 || strings.IndexFunc(name, unicode.IsControl) >= 0:
			ps.add(join(sk, "name"), "want at most 64 characters, without control characters or surrounding spaces, got %q", s.Name)
		default:
			if prev, dup := names[name]; dup {
				ps.add(join(sk, "name"), "duplicate supervisor name %q (also %s)", name, prev)
			} else {
				names[name] = sk
			}
		}
		if !s.Token.IsSet() {
			ps.add(join(sk, "token"), "is required")
			continue
		}
		if len(s.Token.Value()) < minTokenLength {
			ps.add(join(sk, "token"), "must be at least %d characters", minTokenLength)
		}
		if prev, dup := tokens[s.Token.Value()]; dup {
			ps.add(join(sk, "token"), "the same token is already used by %s", prev)
			continue
		}
		tokens[s.Token.Value()] = label(sk, tenant)
	}
}
