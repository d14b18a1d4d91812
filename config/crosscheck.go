package config

import (
	"fmt"
	"strings"

	"github.com/floorwatch/floorwatch/schemas"
)

// validateTenants checks each tenant and what no tenant can check alone:
// unique ids, accounts owned once, API keys and supervisor tokens used
// once, and a signing secret for every channel a tenant has accounts on.
func (c *Config) validateTenants(ps *problems) {
	if len(c.Tenants) > 0 && len(c.APIKeys) > 0 {
		ps.add("api_keys", "only used without a tenants section; give each tenant its own api_keys")
	}
	for i, k := range c.APIKeys {
		if !k.IsSet() {
			ps.add(index("api_keys", i), "must not be empty")
		}
	}
	if len(c.Tenants) > 0 && len(c.Supervisors) > 0 {
		ps.add("supervisors", "only used without a tenants section; give each tenant its own supervisors")
	}
	tokens := map[string]string{}
	checkSupervisors(ps, "supervisors", "", c.Supervisors, tokens)
	if len(c.Tenants) > 0 && (len(c.Alerts.Rules) > 0 || len(c.Alerts.Notify) > 0) {
		ps.add("alerts", "only used without a tenants section; give each tenant its own alerts")
	}
	c.Alerts.validate(ps, "alerts", nil)
	ids := map[string]string{}
	owner := map[schemas.Channel]map[string]string{}
	keys := map[string]string{}
	for i := range c.Tenants {
		t := &c.Tenants[i]
		tk := index("tenants", i)
		t.validate(ps, tk)
		if prev, dup := ids[t.ID]; dup && t.ID != "" {
			ps.add(join(tk, "id"), "duplicate tenant id %q (also %s)", t.ID, prev)
		} else {
			ids[t.ID] = tk
		}
		c.checkAccounts(ps, tk, t, owner)
		checkAPIKeys(ps, tk, t, keys)
		checkSupervisors(ps, join(tk, "supervisors"), t.ID, t.Supervisors, tokens)
	}
	c.checkReaders(ps)
}

func (c *Config) checkAccounts(ps *problems, tk string, t *Tenant, owner map[schemas.Channel]map[string]string) {
	for _, ch := range schemas.Channels {
		if owner[ch] == nil {
			owner[ch] = map[string]string{}
		}
		list := t.Accounts.Of(ch)
		for j, id := range list {
			ak := index(join(join(tk, "accounts"), string(ch)), j)
			if strings.TrimSpace(id) == "" || strings.Contains(id, "|") {
				ps.add(ak, "account id must be non-blank and without '|', got %q", id)
				continue
			}
			if prev, dup := owner[ch][id]; dup {
				ps.add(ak, "%s account %q is already owned by %s", ch, id, prev)
				continue
			}
			owner[ch][id] = label(ak, t.ID)
		}
		if len(list) > 0 && !t.Channels.signing(ch).IsSet() && !c.Channels.signing(ch).IsSet() {
			ps.add(join(join(tk, "channels"), secretKey(ch)),
				"required for %s accounts (or set channels.%s for every tenant)", ch, secretKey(ch))
		}
	}
}

// checkAPIKeys rejects a key used twice, so a key names one tenant. The
// message names the places, never the key.
func checkAPIKeys(ps *problems, tk string, t *Tenant, keys map[string]string) {
	for j, k := range t.APIKeys {
		if !k.IsSet() {
			continue
		}
		kk := index(join(tk, "api_keys"), j)
		if prev, dup := keys[k.Value()]; dup {
			ps.add(kk, "the same API key is already used by %s", prev)
			continue
		}
		keys[k.Value()] = label(kk, t.ID)
	}
}

// label names a place for messages: "tenants[0].api_keys[1] (acme)".
func label(key, tenant string) string {
	if tenant == "" {
		return key
	}
	return fmt.Sprintf("%s (%s)", key, tenant)
}
