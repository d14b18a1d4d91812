// Package ratelimit bounds how fast one client address may fail to authenticate (API keys, supervisor tokens, webhook signatures): a token bucket per address, in bounded memory, with a Prometheus counter of the requests it refuses.
package ratelimit
