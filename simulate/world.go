package simulate

import (
	"fmt"
	"slices"
	"time"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/schemas"
)

// tenantSim is one tenant as the simulator plays it: its accounts
// (streams), credentials, teams and operators.
type tenantSim struct {
	id      string
	policy  schemas.Policy
	loc     *time.Location // of its business hours, for the daily curve
	locales []locale
	// feed: the tenant has a platform feed (an API key, replies not taken
	// from echoes), so routing, operators and closes come as platform events.
	feed    bool
	echoes  bool
	apiKey  string
	secrets map[schemas.Channel][]byte
	tokens  map[schemas.Channel]string // hub.verify_token of Meta channels
	teams   []*teamSim
	streams []*stream
	// App ids: the contact-center platform's own app (agents answer
	// through it) and the bot's, on Meta and on X.
	platformApp, botApp, xPlatformApp, xBotApp string
	supervisor                                 string
	share                                      float64 // of all arrivals
}

// stream is one channel account of a tenant: conversations arrive on it.
type stream struct {
	tenant  *tenantSim
	ch      schemas.Channel
	account string
	weight  float64 // share of the arrivals, all streams summing to 1
	// WhatsApp: the business account (WABA) id and the display number;
	// X: the account's screen name.
	waba, display, screenName string
	customers                 map[string]bool // ids in use, for uniqueness
	returners                 []*customer     // customers who may write again
}

// customer is one person writing to a stream.
type customer struct {
	id       string // as floorwatch keys it: wa_id or BSUID, PSID, IGSID, X user id
	phone    string // WhatsApp wa_id; empty for a BSUID-only user
	bsuid    string // WhatsApp business-scoped user id, when known
	username string // X screen name; WhatsApp username of a BSUID-only user
	name     string
	locale   string // code of the locale the customer writes from
	freeAt   int64  // Unix ms from which a returning customer may write again
}

// Channel mix of arrivals within a tenant, before normalization over the
// channels it has.
var channelMix = map[schemas.Channel]float64{schemas.WhatsApp: 0.45, schemas.Messenger: 0.2,
	schemas.Instagram: 0.2, schemas.X: 0.15}

// buildTenants reads the tenants of cfg. A channel without any signing
// secret (the tenant's or the top-level fallback) cannot be signed, so
// its accounts are left out; without a tenants section, tenant "default"
// gets one invented account per channel that has a secret.
func buildTenants(cfg *config.Config) ([]*tenantSim, error) {
	dir := cfg.Directory()
	var out []*tenantSim
	if len(cfg.Tenants) == 0 {
		t := newTenant(schemas.DefaultTenant, dir.Policy(schemas.DefaultTenant), cfg.APIKeys)
		for _, ch := range schemas.Channels {
			t.addChannel(ch, signing(cfg.Channels, ch), verifyToken(cfg.Channels, ch),
				[]string{defaultAccounts[ch]})
		}
		out = append(out, t)
	} else {
		for i := range cfg.Tenants {
			ct := &cfg.Tenants[i]
			t := newTenant(ct.ID, dir.Policy(ct.ID), ct.APIKeys)
			for _, ch := range schemas.Channels {
				s, tok := signing(ct.Channels, ch), verifyToken(ct.Channels, ch)
				if !s.IsSet() {
					s = signing(cfg.Channels, ch)
				}
				if !tok.IsSet() {
					tok = verifyToken(cfg.Channels, ch)
				}
				t.addChannel(ch, s, tok, ct.Accounts.Of(ch))
			}
			out = append(out, t)
		}
	}
	out = slices.DeleteFunc(out, func(t *tenantSim) bool { return len(t.streams) == 0 })
	if len(out) == 0 {
		return nil, fmt.Errorf("simulate: no channel account has a signing secret: nothing to send")
	}
	for _, t := range out {
		t.spread(1 / float64(len(out)))
	}
	return out, nil
}

// defaultAccounts are the accounts invented for tenant "default".
var defaultAccounts = map[schemas.Channel]string{schemas.WhatsApp: "100000000000000",
	schemas.Messenger: "200000000000000", schemas.Instagram: "17841400000000000", schemas.X: "1000000000000000000"}

func newTenant(id string, p schemas.Policy, keys []config.Secret) *tenantSim {
	t := &tenantSim{id: id, policy: p, loc: time.UTC, echoes: p.EchoesAsReplies,
		secrets: map[schemas.Channel][]byte{}, tokens: map[schemas.Channel]string{},
		platformApp: "1517776" + stableDigits(id+"platform", 9), botApp: "3842" + stableDigits(id+"bot", 11),
		xPlatformApp: stableDigits(id+"xplatform", 8), xBotApp: stableDigits(id+"xbot", 8),
		supervisor: id + "-supervisor"}
	if p.BusinessHours.TimeZone != "" {
		if loc, err := time.LoadLocation(p.BusinessHours.TimeZone); err == nil {
			t.loc = loc
		}
	}
	t.locales = localesFor(t.loc.String())
	for _, k := range keys {
		if k.IsSet() {
			t.apiKey = k.Value()
			break
		}
	}
	t.feed = t.apiKey != "" && !t.echoes
	return t
}

func (t *tenantSim) addChannel(ch schemas.Channel, secret, token config.Secret, accounts []string) {
	if !secret.IsSet() || len(accounts) == 0 {
		return
	}
	t.secrets[ch] = secret.Bytes()
	if token.IsSet() {
		t.tokens[ch] = token.Value()
	}
	for _, a := range accounts {
		s := &stream{tenant: t, ch: ch, account: a, customers: map[string]bool{}}
		s.waba = "1022" + stableDigits(a+"waba", 11)
		s.display = "1555" + stableDigits(a+"display", 7)
		s.screenName = t.id + "_help"
		t.streams = append(t.streams, s)
	}
}

// spread spreads the tenant's share of arrivals over its streams: by the
// channel mix, then evenly over a channel's accounts.
func (t *tenantSim) spread(share float64) {
	t.share = share
	var mix float64
	perChannel := map[schemas.Channel]int{}
	for _, s := range t.streams {
		if perChannel[s.ch] == 0 {
			mix += channelMix[s.ch]
		}
		perChannel[s.ch]++
	}
	for _, s := range t.streams {
		s.weight = share * channelMix[s.ch] / mix / float64(perChannel[s.ch])
	}
}

// signing and verifyToken read a channels section the way config's
// Directory does: Meta channels sign with their app secret, X with its
// consumer secret; X has no verify token.
func signing(c config.Channels, ch schemas.Channel) config.Secret {
	switch ch {
	case schemas.WhatsApp:
		return c.WhatsApp.AppSecret
	case schemas.Messenger:
		return c.Messenger.AppSecret
	case schemas.Instagram:
		return c.Instagram.AppSecret
	case schemas.X:
		return c.X.ConsumerSecret
	}
	return config.Secret{}
}

func verifyToken(c config.Channels, ch schemas.Channel) config.Secret {
	switch ch {
	case schemas.WhatsApp:
		return c.WhatsApp.VerifyToken
	case schemas.Messenger:
		return c.Messenger.VerifyToken
	case schemas.Instagram:
		return c.Instagram.VerifyToken
	}
	return config.Secret{}
}
