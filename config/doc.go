// Package config owns floorwatch's configuration: the config.yaml schema
// with its defaults, environment overrides, strict decoding, validation,
// redacted secrets, and the tenant Directory that other stages query.
package config
