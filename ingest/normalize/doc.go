// Package normalize owns the translation of raw channel webhook bodies and
// platform event batches into normalized schemas.Event records, and the
// checks that prove a body came from the platform (signatures, handshakes);
// it is pure: no network, no Kafka, no logging.
package normalize
