package config

import (
	"crypto/sha256"
	"slices"
	"time"

	"github.com/floorwatch/floorwatch/schemas"
)

// newDirectory indexes a valid Config.
func newDirectory(c *Config) *Directory {
	d := &Directory{
		single:   len(c.Tenants) == 0,
		accounts: map[schemas.Channel]map[string]string{},
		secrets:  map[schemas.Channel][]TenantSecret{},
		tokens:   map[schemas.Channel][][]byte{},
		policies: map[string]schemas.Policy{},
		channels: map[string][]schemas.Channel{},

		alertRules:   map[string][]schemas.AlertRule{},
		alertTargets: map[string][]NotifyTarget{},
	}
	if d.single {
		d.tenants = []string{schemas.DefaultTenant}
		d.policies[schemas.DefaultTenant] = schemas.DefaultPolicy(schemas.DefaultTenant)
		for _, ch := range schemas.Channels {
			d.addSecret(ch, schemas.DefaultTenant, c.Channels.signing(ch))
			d.addToken(ch, c.Channels.verifyToken(ch))
		}
		d.addKeys(schemas.DefaultTenant, c.APIKeys)
		d.addSupervisors(schemas.DefaultTenant, c.Supervisors)
		d.addAlerts(schemas.DefaultTenant, &c.Alerts)
		return d
	}
	for i := range c.Tenants {
		d.addTenant(c, &c.Tenants[i])
	}
	slices.Sort(d.tenants)
	return d
}

func (d *Directory) addTenant(c *Config, t *Tenant) {
	d.tenants = append(d.tenants, t.ID)
	d.policies[t.ID] = t.policy()
	d.addKeys(t.ID, t.APIKeys)
	d.addSupervisors(t.ID, t.Supervisors)
	d.addAlerts(t.ID, &t.Alerts)
	for _, ch := range schemas.Channels {
		if len(t.Accounts.Of(ch)) > 0 {
			d.channels[t.ID] = append(d.channels[t.ID], ch)
		}
		if d.accounts[ch] == nil {
			d.accounts[ch] = map[string]string{}
		}
		for _, id := range t.Accounts.Of(ch) {
			d.accounts[ch][id] = t.ID
		}
		s, tok := t.Channels.signing(ch), t.Channels.verifyToken(ch)
		if !s.IsSet() {
			s = c.Channels.signing(ch)
		}
		if !tok.IsSet() {
			tok = c.Channels.verifyToken(ch)
		}
		d.addSecret(ch, t.ID, s)
		d.addToken(ch, tok)
	}
}

// addSecret appends s once; a secret already there for another tenant
// becomes shared (Tenant "").
func (d *Directory) addSecret(ch schemas.Channel, tenant string, s Secret) {
	if !s.IsSet() {
		return
	}
	for i, have := range d.secrets[ch] {
		if string(have.Secret) == s.Value() {
			if have.Tenant != tenant {
				d.secrets[ch][i].Tenant = ""
			}
			return
		}
	}
	d.secrets[ch] = append(d.secrets[ch], TenantSecret{Tenant: tenant, Secret: s.Bytes()})
}

func (d *Directory) addToken(ch schemas.Channel, s Secret) {
	if !s.IsSet() {
		return
	}
	for _, have := range d.tokens[ch] {
		if string(have) == s.Value() {
			return
		}
	}
	d.tokens[ch] = append(d.tokens[ch], s.Bytes())
}

func (d *Directory) addKeys(tenant string, keys []Secret) {
	for _, k := range keys {
		if k.IsSet() {
			d.keys = append(d.keys, apiKey{hash: sha256.Sum256(k.Bytes()), tenant: tenant})
		}
	}
}

func (d *Directory) addSupervisors(tenant string, list []Supervisor) {
	for _, s := range list {
		if s.Token.IsSet() {
			d.supervisors = append(d.supervisors, supervisorToken{hash: sha256.Sum256(s.Token.Bytes()), tenant: tenant, name: s.Name})
		}
	}
}

func (d *Directory) addAlerts(tenant string, a *Alerts) {
	if len(a.Rules) > 0 {
		d.alertRules[tenant] = a.rules()
		d.alertTargets[tenant] = a.targets()
	}
}

// policy converts a validated tenant into the processors' Policy.
func (t *Tenant) policy() schemas.Policy {
	p := schemas.Policy{
		Tenant:             t.ID,
		EchoesAsReplies:    t.EchoesAsReplies,
		DefaultTeam:        t.DefaultTeam,
		UnansweredAfter:    t.Thresholds.UnansweredAfter,
		AutoCloseAfter:     t.Thresholds.AutoCloseAfter,
		ServiceLevelTarget: t.Thresholds.ServiceLevelTarget,
		BusinessHours:      t.BusinessHours.policy(),
		SupportWindows:     map[schemas.Channel]time.Duration{},
		Teams:              map[string]schemas.TeamPolicy{},
	}
	for ch, w := range t.SupportWindows {
		p.SupportWindows[schemas.Channel(ch)] = time.Duration(w)
	}
	for name, team := range t.Teams {
		tp := schemas.TeamPolicy{ServiceLevelTarget: team.ServiceLevelTarget}
		if team.BusinessHours != nil {
			bh := team.BusinessHours.policy()
			tp.BusinessHours = &bh
		}
		p.Teams[name] = tp
	}
	return p
}
