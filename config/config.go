package config

import (
	"reflect"
	"time"

	// Time zones must resolve in minimal container images too.
	_ "time/tzdata"
)

// Config is the whole configuration of every role. Load returns it decoded,
// with defaults, environment overrides and secrets resolved, and validated.
// It is read-only after Load; share it freely between goroutines.
//
// Adding a section: one file with a struct (help comments on its fields),
// setDefaults() and validate(ps, key) methods, and one field here.
type Config struct {
	Ingest     Ingest     `yaml:"ingest"`
	Kafka      Kafka      `yaml:"kafka"`
	ClickHouse ClickHouse `yaml:"clickhouse"`
	Process    Process    `yaml:"process"`
	Sink       Sink       `yaml:"sink"`
	API        API        `yaml:"api"`
	Metrics    Metrics    `yaml:"metrics"`
	Log        Log        `yaml:"log"`
	// Channels holds webhook credentials for tenant "default" (no tenants
	// section) and the fallback of tenants that set none.
	Channels Channels `yaml:"channels"`
	// APIKeys authenticate POST /v1/events for tenant "default"; only
	// allowed without a tenants section.
	APIKeys []Secret `yaml:"api_keys"`
	// Supervisors may use the supervisor API of tenant "default"; only
	// allowed without a tenants section.
	Supervisors []Supervisor `yaml:"supervisors"`
	// Alerts are tenant "default"'s alert rules; only allowed without a
	// tenants section.
	Alerts Alerts `yaml:"alerts"`
	// Alerting is how the api role evaluates every tenant's rules and
	// delivers their notifications.
	Alerting Alerting `yaml:"alerting"`
	// Tenants; empty means everything belongs to tenant "default".
	Tenants []Tenant `yaml:"tenants"`

	dir *Directory
}

// defaulter is a section or element with defaults of its own.
type defaulter interface{ setDefaults() }

// validator is a section that checks itself; key is its path.
type validator interface {
	validate(ps *problems, key string)
}

// Default returns the configuration with every default and no tenants.
func Default() *Config {
	c := &Config{}
	setDefaults(reflect.ValueOf(c).Elem())
	return c
}

// setDefaults calls setDefaults on v and on each of its struct fields.
func setDefaults(v reflect.Value) {
	if d, ok := v.Addr().Interface().(defaulter); ok {
		d.setDefaults()
	}
	if v.Kind() != reflect.Struct || v.Type() == secretType {
		return
	}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if f.IsExported() && f.Type.Kind() == reflect.Struct && f.Type != secretType && f.Type != durationType {
			setDefaults(v.Field(i))
		}
	}
}

// Validate returns nil or an *Error listing every problem with its key.
func (c *Config) Validate() error {
	var ps problems
	c.validate(&ps)
	return ps.err()
}

func (c *Config) validate(ps *problems) {
	v := reflect.ValueOf(c).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		if name := yamlName(f); name != "" {
			if val, ok := v.Field(i).Addr().Interface().(validator); ok {
				val.validate(ps, name)
			}
		}
	}
	c.validateTenants(ps)
}

// Directory returns the lookups built from c. Load builds it once; for a
// Config built another way, the first call builds it and is not safe to
// race with other calls.
func (c *Config) Directory() *Directory {
	if c.dir == nil {
		c.dir = newDirectory(c)
	}
	return c.dir
}

var (
	secretType   = reflect.TypeFor[Secret]()
	durationType = reflect.TypeFor[time.Duration]()
)

// yamlName is a field's key, "" for fields that are not configuration.
func yamlName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name := f.Tag.Get("yaml")
	if name == "-" {
		return ""
	}
	return name
}
