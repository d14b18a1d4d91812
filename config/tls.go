package config

import (
	"os"
	"path/filepath"
	"strings"
)

// TLS configures a client's TLS connection to Kafka or ClickHouse.
type TLS struct {
	// Enabled turns TLS on; the other keys only apply then.
	Enabled bool `yaml:"enabled"`
	// CAFile is a PEM bundle of the CAs to trust; empty trusts the
	// system's roots. Relative paths (here and below) are relative to the
	// configuration file's directory.
	CAFile string `yaml:"ca_file"`
	// CertFile and KeyFile are the client certificate and key (PEM), for
	// servers that require mutual TLS; both or neither.
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	// ServerName overrides the name checked in the server's certificate
	// (default: the host of the address dialed).
	ServerName string `yaml:"server_name"`
	// InsecureSkipVerify accepts any server certificate: for tests only.
	InsecureSkipVerify bool `yaml:"insecure_skip_verify"`
}

// resolve makes relative file paths relative to dir, the configuration
// file's directory, as secrets' _file paths are.
func (c *TLS) resolve(dir string) {
	for _, p := range []*string{&c.CAFile, &c.CertFile, &c.KeyFile} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(dir, *p)
		}
	}
}

func (c *TLS) validate(ps *problems, key string) {
	if !c.Enabled {
		if c.CAFile != "" || c.CertFile != "" || c.KeyFile != "" || c.ServerName != "" || c.InsecureSkipVerify {
			ps.add(join(key, "enabled"), "must be true when other tls keys are set")
		}
		return
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		ps.add(join(key, "cert_file"), "cert_file and key_file go together (mutual TLS)")
	}
	for _, f := range []struct{ name, path string }{{"ca_file", c.CAFile}, {"cert_file", c.CertFile}, {"key_file", c.KeyFile}} {
		if f.path == "" {
			continue
		}
		if _, err := os.Stat(f.path); err != nil {
			ps.add(join(key, f.name), "cannot read %s: %v", f.path, err)
		}
	}
}

// SASL configures Kafka client authentication.
type SASL struct {
	// Mechanism is PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512; empty turns SASL
	// off. PLAIN sends the password as is: use it over TLS only.
	Mechanism string `yaml:"mechanism"`
	Username  string `yaml:"username"`
	// Password may be given inline, as password_file or as password_env.
	Password Secret `yaml:"password"`
}

// SASL mechanisms floorwatch speaks.
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

func (c *SASL) validate(ps *problems, key string) {
	c.Mechanism = strings.ToUpper(c.Mechanism)
	if c.Mechanism == "" {
		if c.Username != "" || c.Password.IsSet() {
			ps.add(join(key, "mechanism"), "must be set when a username or password is")
		}
		return
	}
	checkOneOf(ps, join(key, "mechanism"), c.Mechanism, SASLPlain, SASLScramSHA256, SASLScramSHA512)
	if c.Username == "" {
		ps.add(join(key, "username"), "required with sasl.mechanism")
	}
	if !c.Password.IsSet() {
		ps.add(join(key, "password"), "required with sasl.mechanism")
	}
}
