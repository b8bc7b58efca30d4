package targets

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// downstreamTimeout bounds each call to the downstream service.
const downstreamTimeout = 5 * time.Second

// statusDownstreamFailed is the processing status of a /process request
// whose downstream call failed; it is answered 502.
const statusDownstreamFailed = "downstream_failed"

// downstream is the client that /process uses to call Config.Downstream:
// one GET per request, with the request's context, through the variant's
// transport (otelhttp.Transport when traced), so that the trace context and
// baggage travel on.
type downstream struct {
	url    *url.URL
	base   *http.Transport
	client *http.Client
}

// newDownstream returns a client for rawURL, which Config.Validate has
// checked, with the transport of tel.
func newDownstream(rawURL string, tel *telemetry) (*downstream, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("downstream %q: %w", rawURL, err)
	}
	base := http.DefaultTransport.(*http.Transport).Clone()
	return &downstream{
		url:    u,
		base:   base,
		client: &http.Client{Transport: tel.transport(base), Timeout: downstreamTimeout},
	}, nil
}

// call GETs the downstream URL with the item id as the query parameter
// item_id and returns statusComplete, or statusDownstreamFailed if the call
// failed or was not answered 2xx.
func (d *downstream) call(ctx context.Context, id string) string {
	u := *d.url
	q := u.Query()
	q.Set("item_id", id)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return statusDownstreamFailed
	}
	resp, err := d.client.Do(req)
	if err != nil {
		return statusDownstreamFailed
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return statusDownstreamFailed
	}
	return statusComplete
}

// close releases the client's idle connections.
func (d *downstream) close() {
	if d != nil {
		d.base.CloseIdleConnections()
	}
}
