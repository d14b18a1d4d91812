package connect_test

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/floorwatch/floorwatch/config"
	"github.com/floorwatch/floorwatch/internal/connect"
)

// The TLS options built from the configuration trust the CA file they
// name (and only what it holds), and present a client certificate.
func TestTLSTrustsTheConfiguredCA(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TLS.PeerCertificates) == 1 {
			w.Header().Set("X-Client-Cert", r.TLS.PeerCertificates[0].Subject.String())
		}
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequestClientCert}
	srv.StartTLS()
	defer srv.Close()
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca.pem")
	writePEM(t, ca, "CERTIFICATE", srv.Certificate().Raw)
	// The test server's own pair doubles as a client certificate.
	cert, key := filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	pair := srv.TLS.Certificates[0]
	writePEM(t, cert, "CERTIFICATE", pair.Certificate[0])
	keyDER, err := x509.MarshalPKCS8PrivateKey(pair.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	writePEM(t, key, "PRIVATE KEY", keyDER)

	get := func(c config.TLS) (*http.Response, error) {
		tc, err := connect.TLS(c)
		if err != nil {
			return nil, err
		}
		return (&http.Client{Transport: &http.Transport{TLSClientConfig: tc}}).Get(srv.URL)
	}
	resp, err := get(config.TLS{Enabled: true, CAFile: ca, CertFile: cert, KeyFile: key, ServerName: "example.com"})
	if err != nil {
		t.Fatalf("with the CA: %v", err)
	}
	resp.Body.Close()
	if resp.Header.Get("X-Client-Cert") == "" {
		t.Error("the client certificate was not presented")
	}
	if _, err := get(config.TLS{Enabled: true, ServerName: "example.com"}); err == nil {
		t.Error("the system roots trusted a self-signed server")
	}
	if tc, err := connect.TLS(config.TLS{}); tc != nil || err != nil {
		t.Errorf("TLS off gave %v, %v", tc, err)
	}
	if _, err := connect.TLS(config.TLS{Enabled: true, CAFile: cert + ".missing"}); err == nil {
		t.Error("a missing CA file gave no error")
	}
}

func writePEM(t *testing.T, path, typ string, der []byte) {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
