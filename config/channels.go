package config

import "github.com/floorwatch/floorwatch/schemas"

// Channels holds webhook credentials per channel. At the top level it
// serves tenant "default" when there is no tenants section, and every
// tenant that sets none of its own for a channel.
type Channels struct {
	WhatsApp  MetaChannel `yaml:"whatsapp"`
	Messenger MetaChannel `yaml:"messenger"`
	Instagram MetaChannel `yaml:"instagram"`
	X         XChannel    `yaml:"x"`
}

// MetaChannel holds the credentials of a Meta webhook (WhatsApp,
// Messenger, Instagram).
type MetaChannel struct {
	// AppSecret keys X-Hub-Signature-256 of POST bodies.
	AppSecret Secret `yaml:"app_secret"`
	// VerifyToken is compared with hub.verify_token of GET verification.
	VerifyToken Secret `yaml:"verify_token"`
}

// XChannel holds the credentials of the X Account Activity webhook.
type XChannel struct {
	// ConsumerSecret keys the CRC response and x-twitter-webhooks-signature.
	ConsumerSecret Secret `yaml:"consumer_secret"`
}

// signing returns the secret that signs ch's webhook bodies.
func (c *Channels) signing(ch schemas.Channel) Secret {
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
	return Secret{}
}

// verifyToken returns ch's hub.verify_token; X has none.
func (c *Channels) verifyToken(ch schemas.Channel) Secret {
	switch ch {
	case schemas.WhatsApp:
		return c.WhatsApp.VerifyToken
	case schemas.Messenger:
		return c.Messenger.VerifyToken
	case schemas.Instagram:
		return c.Instagram.VerifyToken
	}
	return Secret{}
}

// secretKey is the key path of ch's signing secret under a channels section.
func secretKey(ch schemas.Channel) string {
	if ch == schemas.X {
		return "x.consumer_secret"
	}
	return string(ch) + ".app_secret"
}
