package simulate

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// What customers, agents and bots write. Texts mix languages, accents,
// emoji (astral runes become surrogate pairs in Meta bodies) and URLs
// (whose '/' Meta escapes), so bodies exercise every escaping rule.

// locale is a customer population: how their phone numbers look, their
// names, and what they write first.
type locale struct {
	code    string // ISO country code, also the BSUID prefix
	phone   func(r *rand.Rand) string
	first   []string
	last    []string
	opening []string
}

var locales = map[string]locale{
	"FR": {code: "FR", phone: func(r *rand.Rand) string { return "336" + digits(r, 8) },
		first: []string{"Léa", "Chloé", "Hugo", "Zoé", "Théo", "Inès", "Gaël", "Maëlle", "Jérôme", "Françoise"},
		last:  []string{"Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Girard", "Roussel", "Benoît"},
		opening: []string{"Bonjour, où en est ma commande n°%d ?", "Bonjour, j'ai été débité deux fois 😕",
			"Est-ce que le modèle existe en taille 42 ?", "Mon colis est arrivé abîmé, que faire ?",
			"Bonsoir, je voudrais changer l'adresse de livraison", "Le lien https://acme.example/suivi/%d ne marche pas",
			"Vous êtes ouverts le samedi ?"}},
	"US": {code: "US", phone: func(r *rand.Rand) string {
		return "1" + []string{"212", "646", "917", "415", "312", "617"}[r.IntN(6)] + digits(r, 7)
	},
		first: []string{"Sheena", "Jordan", "Taylor", "Ava", "Mason", "Harper", "Noah", "Zoë", "Ethan", "Riley"},
		last:  []string{"Nelson", "Smith", "Johnson", "Nguyen", "O'Brien", "García", "Patel", "Kim"},
		opening: []string{"Hi, where is my order #%d?", "I was charged twice for order %d",
			"Does it come in another color?", "Can I change my delivery address?",
			"My package says delivered but I don't have it 😞", "Hello! Quick question about returns",
			"Tracking link https://track.example.com/p/%d shows nothing"}},
	"ES": {code: "ES", phone: func(r *rand.Rand) string { return "346" + digits(r, 8) },
		first: []string{"José", "María", "Lucía", "Álvaro", "Nuria", "Iñaki"},
		last:  []string{"García", "Martínez", "López", "Núñez", "Peña"},
		opening: []string{"Hola, ¿tienen envío a Canarias?", "Mi pedido %d no ha llegado todavía",
			"¿Puedo devolver un artículo en oferta?"}},
	"DE": {code: "DE", phone: func(r *rand.Rand) string { return "4915" + digits(r, 9) },
		first: []string{"Jürgen", "Lena", "Jonas", "Sören", "Günther"},
		last:  []string{"Müller", "Schäfer", "Weiß", "Köhler"},
		opening: []string{"Das Paket ist beschädigt angekommen 😞", "Wo bleibt meine Bestellung %d?",
			"Kann ich die Größe umtauschen?"}},
	"BR": {code: "BR", phone: func(r *rand.Rand) string { return "5511" + digits(r, 9) },
		first: []string{"João", "Ana", "Conceição", "Luís"},
		last:  []string{"Souza", "Gonçalves", "Araújo"},
		opening: []string{"Olá! Vocês entregam no Porto?", "Meu pedido %d ainda não chegou",
			"Boa tarde, preciso de ajuda com a troca"}},
}

// localesFor lists a tenant's customer populations, the local one first
// (from its business-hours time zone).
func localesFor(timeZone string) []locale {
	home := "US"
	switch {
	case strings.HasPrefix(timeZone, "Europe/Paris"), strings.HasPrefix(timeZone, "Europe/Brussels"):
		home = "FR"
	case strings.HasPrefix(timeZone, "Europe/Madrid"):
		home = "ES"
	case strings.HasPrefix(timeZone, "Europe/Berlin"):
		home = "DE"
	case strings.HasPrefix(timeZone, "America/Sao_Paulo"):
		home = "BR"
	}
	out := []locale{locales[home]}
	for _, c := range []string{"US", "FR", "ES", "DE", "BR"} {
		if c != home {
			out = append(out, locales[c])
		}
	}
	return out
}

// pickLocale draws the home locale 70% of the time.
func pickLocale(r *rand.Rand, ls []locale) locale {
	if r.Float64() < 0.7 {
		return ls[0]
	}
	return ls[1+r.IntN(len(ls)-1)]
}

func oneOf(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// withNumber fills a %d (an order number) when the text has one.
func withNumber(r *rand.Rand, s string) string {
	if strings.Contains(s, "%d") {
		return fmt.Sprintf(s, 100000+r.IntN(900000))
	}
	return s
}

var (
	followUps = []string{"Hello?", "Any news? 🙏", "Still waiting…", "Allô ?", "?", "Is anyone there?",
		"I really need this sorted today", "Ok", "Here is my order number: %d"}
	customerAnswers = []string{"Yes, that's the one", "Thanks! 🙏", "It's order %d", "Perfect, merci !",
		"No, the other address", "Could you check again?", "Great, thank you 😊", "D'accord, merci",
		"Gracias 👍", "Here: https://photos.example.com/u/%d/box.jpg"}
	agentReplies = []string{"Hi, I'm checking your order now.", "Thanks for waiting! Your refund was issued today.",
		"Could you send me a photo of the label?", "I've updated the delivery address.",
		"Je regarde ça tout de suite 👍", "Your parcel is at the depot and leaves tomorrow.",
		"Tracking: https://track.example.com/p/%d", "Anything else I can help with?", "Désolé pour l'attente !"}
	botGreetings = []string{"Hi! 👋 I'm the virtual assistant. What can I do for you?",
		"Bonjour ! Je suis l'assistant virtuel 🤖", "Thanks for your message! Pick a topic below."}
	botAnswers = []string{"You can track your order at https://track.example.com/ 📦",
		"Our returns policy: https://acme.example/returns", "Opening hours: Mon–Fri 9:00–18:00",
		"Is there anything else? Type \"agent\" to talk to a person."}
	menuChoices = []struct{ id, title string }{
		{"order_status", "Order status"}, {"returns", "Returns & refunds"},
		{"talk_to_agent", "Talk to an agent"}, {"billing", "Facturation"}, {"other", "Autre question"}}
	captions  = []string{"This is the one I want", "Photo du colis", "The damaged box", "Ticket de caisse", ""}
	reactions = []struct{ name, emoji string }{{"love", "❤️"}, {"like", "👍"}, {"smile", "😆"}, {"wow", "😮"}, {"sad", "😢"}}
)
