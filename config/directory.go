package config

import (
	"crypto/sha256"
	"crypto/subtle"
	"slices"

	"github.com/floorwatch/floorwatch/schemas"
)

// Directory answers the per-request questions of ingest and processors:
// which tenant owns an account or an API key, which secrets may have
// signed a webhook, and each tenant's Policy. It is built once from a
// valid Config and is read-only, so any number of goroutines may use it.
type Directory struct {
	single   bool // no tenants section: everything is tenant "default"
	tenants  []string
	accounts map[schemas.Channel]map[string]string
	secrets  map[schemas.Channel][]TenantSecret
	tokens   map[schemas.Channel][][]byte
	keys     []apiKey
	policies map[string]schemas.Policy
	// supervisors are the supervisor tokens' hashes (SPEC 4.1).
	supervisors []supervisorToken
	// channels lists, per tenant, the channels it has accounts on.
	channels map[string][]schemas.Channel
	// alertRules and alertTargets are each tenant's alerts (SPEC 4.2).
	alertRules   map[string][]schemas.AlertRule
	alertTargets map[string][]NotifyTarget
}

// TenantSecret is one candidate key for a channel's webhook signatures.
// Tenant is the tenant the secret belongs to, or "" when several tenants
// share it (one app serving many tenants' accounts): then the tenant comes
// from the account id (TenantOf), never from the secret.
type TenantSecret struct {
	Tenant string
	Secret []byte
}

type apiKey struct {
	hash   [sha256.Size]byte
	tenant string
}

type supervisorToken struct {
	hash         [sha256.Size]byte
	tenant, name string
}

// TenantOf returns the tenant that owns accountID on ch. Without a
// tenants section every account belongs to "default".
func (d *Directory) TenantOf(ch schemas.Channel, accountID string) (string, bool) {
	if d.single {
		return schemas.DefaultTenant, true
	}
	t, ok := d.accounts[ch][accountID]
	return t, ok
}

// WebhookSecrets returns the distinct candidate secrets that may sign ch's
// webhook bodies (Meta app secrets, X consumer secrets). The slice is
// shared: do not modify it.
func (d *Directory) WebhookSecrets(ch schemas.Channel) []TenantSecret { return d.secrets[ch] }

// VerifyTokens returns the distinct hub.verify_token values accepted for
// ch's GET verification (none for X). The slice is shared.
func (d *Directory) VerifyTokens(ch schemas.Channel) [][]byte { return d.tokens[ch] }

// TenantForAPIKey returns the tenant whose API key is key. It hashes key
// and compares the hash with every configured key's hash in constant time,
// without stopping at a match, so timing tells nothing about the keys.
func (d *Directory) TenantForAPIKey(key string) (string, bool) {
	if key == "" {
		return "", false
	}
	h := sha256.Sum256([]byte(key))
	found := -1
	for i := range d.keys {
		eq := subtle.ConstantTimeCompare(h[:], d.keys[i].hash[:])
		found = subtle.ConstantTimeSelect(eq, i, found)
	}
	if found < 0 {
		return "", false
	}
	return d.keys[found].tenant, true
}

// Policy returns tenant's policy; an unknown tenant gets the defaults.
// Its maps are shared: treat the result as read-only.
func (d *Directory) Policy(tenant string) schemas.Policy {
	if p, ok := d.policies[tenant]; ok {
		return p
	}
	return schemas.DefaultPolicy(tenant)
}

// Tenants returns the tenant ids, sorted; ["default"] without tenants.
func (d *Directory) Tenants() []string { return slices.Clone(d.tenants) }

// SupervisorForToken returns the tenant and name of the supervisor whose token is
// token, like TenantForAPIKey: the hash of token is compared with every
// configured token's hash in constant time, without stopping at a match.
func (d *Directory) SupervisorForToken(token string) (tenant, name string, ok bool) {
	if token == "" {
		return "", "", false
	}
	h := sha256.Sum256([]byte(token))
	found := -1
	for i := range d.supervisors {
		eq := subtle.ConstantTimeCompare(h[:], d.supervisors[i].hash[:])
		found = subtle.ConstantTimeSelect(eq, i, found)
	}
	if found < 0 {
		return "", "", false
	}
	return d.supervisors[found].tenant, d.supervisors[found].name, true
}

// AlertRules returns tenant's alert rules, thresholds in the metric's
// unit, in configuration order. The slice is shared.
func (d *Directory) AlertRules(tenant string) []schemas.AlertRule { return d.alertRules[tenant] }

// AlertTargets returns where tenant's alert notifications go (none
// without rules). The slice is shared.
func (d *Directory) AlertTargets(tenant string) []NotifyTarget { return d.alertTargets[tenant] }

// Channels returns the channels tenant has accounts on, in the order of
// schemas.Channels; every channel for tenant "default" without tenants.
func (d *Directory) Channels(tenant string) []schemas.Channel {
	if d.single {
		return slices.Clone(schemas.Channels)
	}
	return slices.Clone(d.channels[tenant])
}
