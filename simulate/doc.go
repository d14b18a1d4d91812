// Package simulate owns the traffic generator of `floorwatch simulate`: from
// a configuration's tenants, a seed, a start time and a rate, a
// deterministic, time-ordered stream of signed requests exactly as the
// channels and the contact-center platform send them.
package simulate
