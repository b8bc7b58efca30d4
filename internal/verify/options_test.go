package verify

import (
	"slices"
	"strings"
	"testing"
)

func TestOptionsValidate(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		wantErr string // substring; "" for valid
	}{
		// The bundled target, plain or with a mistake.
		{name: "bundled", opts: Options{TargetBin: "/bin/t"}},
		{name: "bundled mistake", opts: Options{TargetBin: "/bin/t", Mistake: "no-filter"}},
		// A user's service with a templated loopback URL.
		{name: "command", opts: Options{Command: "./svc", URL: "http://127.0.0.1:8080/items/{id}", DownstreamEnv: "DOWN"}},
		// Nothing to verify.
		{name: "empty", opts: Options{}, wantErr: "nothing to verify"},
		// A command needs its URL, and the other way round.
		{name: "command without url", opts: Options{Command: "./svc"}, wantErr: "needs the URL"},
		{name: "url without command", opts: Options{TargetBin: "/bin/t", URL: "http://127.0.0.1:1/"}, wantErr: "needs the command"},
		// Mistakes are the bundled target's; -downstream-env the command's.
		{name: "mistake with command", opts: Options{Command: "./svc", URL: "http://127.0.0.1:1/", Mistake: "no-filter"}, wantErr: "bundled target only"},
		{name: "downstream env without command", opts: Options{TargetBin: "/bin/t", DownstreamEnv: "X"}, wantErr: "command only"},
		// Unknown names are named.
		{name: "unknown mistake", opts: Options{TargetBin: "/bin/t", Mistake: "typo"}, wantErr: `"typo"`},
		{name: "unknown check", opts: Options{TargetBin: "/bin/t", Checks: []string{"speed"}}, wantErr: `"speed"`},
		// Values out of range.
		{name: "ratio", opts: Options{TargetBin: "/bin/t", Ratio: 1.5}, wantErr: "ratio 1.5"},
		{name: "relative excluded", opts: Options{TargetBin: "/bin/t", Excluded: []string{"healthz"}}, wantErr: `"healthz"`},
		{name: "url scheme", opts: Options{Command: "./svc", URL: "https://127.0.0.1:1/x"}, wantErr: "want http://"},
		// Only loopback: verify runs the service itself.
		{name: "url not loopback", opts: Options{Command: "./svc", URL: "http://example.com:80/x"}, wantErr: "loopback"},
		{name: "url localhost", opts: Options{Command: "./svc", URL: "http://localhost:8080/items/{id}"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.opts.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Errorf("Validate = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Errorf("Validate = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestRatio(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want float64
	}{
		// The bundled target gets the default ratio unless told otherwise.
		{name: "bundled default", opts: Options{TargetBin: "t"}, want: DefaultRatio},
		{name: "bundled flag", opts: Options{TargetBin: "t", Ratio: 0.5}, want: 0.5},
		// A user's service: the flag, else its own sampler from -env, else
		// the default, which verify configures as run's sampled variants.
		{name: "user flag", opts: Options{Command: "c", Ratio: 0.1, UserEnv: map[string]string{"OTEL_TRACES_SAMPLER": "always_on"}}, want: 0.1},
		{name: "user ratio env", opts: Options{Command: "c", UserEnv: map[string]string{"OTEL_TRACES_SAMPLER": "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.3"}}, want: 0.3},
		{name: "user ratio default arg", opts: Options{Command: "c", UserEnv: map[string]string{"OTEL_TRACES_SAMPLER": "traceidratio"}}, want: 1},
		{name: "user always off", opts: Options{Command: "c", UserEnv: map[string]string{"OTEL_TRACES_SAMPLER": "parentbased_always_off"}}, want: 0},
		{name: "user unset", opts: Options{Command: "c", UserEnv: map[string]string{}}, want: DefaultRatio},
		// Unknown: a sampler we cannot read, or a bad argument.
		{name: "user jaeger", opts: Options{Command: "c", UserEnv: map[string]string{"OTEL_TRACES_SAMPLER": "jaeger_remote"}}, want: -1},
		{name: "user bad arg", opts: Options{Command: "c", UserEnv: map[string]string{"OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "half"}}, want: -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.opts.ratio(); got != tc.want {
				t.Errorf("ratio = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseChecks(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		// Empty and "all" mean every check.
		{in: "", want: CheckNames},
		{in: "all", want: CheckNames},
		// A list comes back in report order, spaces trimmed.
		{in: "restart, naming", want: []string{CheckNaming, CheckRestart}},
		// An unknown name is an error.
		{in: "naming,speed", wantErr: true},
	}
	for _, tc := range tests {
		got, err := ParseChecks(tc.in)
		if (err != nil) != tc.wantErr || (!tc.wantErr && !slices.Equal(got, tc.want)) {
			t.Errorf("ParseChecks(%q) = %v, %v; want %v (error %v)", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}
