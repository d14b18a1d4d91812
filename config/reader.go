package config

// ClickHouseReader is a tenant's own ClickHouse login, for its Grafana
// data source and its data team: `floorwatch migrate` provisions it so
// that it reads only the tenant's rows, in every table
// (docs/reliability.md, tenant isolation).
type ClickHouseReader struct {
	// Username is the ClickHouse user; a plain identifier.
	Username string `yaml:"username"`
	// Password may be given inline, as password_file or as password_env.
	Password Secret `yaml:"password"`
}

func (r *ClickHouseReader) validate(ps *problems, key string) {
	if r == nil {
		return
	}
	if !identifierRE.MatchString(r.Username) {
		ps.add(join(key, "username"), "must be a plain identifier (letters, digits, _), got %q", r.Username)
	}
	if !r.Password.IsSet() {
		ps.add(join(key, "password"), "is required")
	}
}

// checkReaders rejects a reader username used twice, or the one floorwatch
// itself logs in with.
func (c *Config) checkReaders(ps *problems) {
	seen := map[string]string{}
	for i := range c.Tenants {
		r := c.Tenants[i].ClickHouseReader
		if r == nil || r.Username == "" {
			continue
		}
		key := join(index("tenants", i), "clickhouse_reader.username")
		if r.Username == c.ClickHouse.Username {
			ps.add(key, "%q is floorwatch's own user (clickhouse.username); give the tenant a user of its own", r.Username)
			continue
		}
		if prev, dup := seen[r.Username]; dup {
			ps.add(key, "user %q is already %s", r.Username, prev)
			continue
		}
		seen[r.Username] = label(key, c.Tenants[i].ID)
	}
}
