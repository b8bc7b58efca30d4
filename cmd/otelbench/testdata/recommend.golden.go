exporter, err := otlptracegrpc.New(ctx,
	otlptracegrpc.WithTimeout(500 * time.Millisecond),
	otlptracegrpc.WithRetry(otlptracegrpc.RetryConfig{
		Enabled:         true,
		InitialInterval: 100 * time.Millisecond,
		MaxInterval:     250 * time.Millisecond,
		MaxElapsedTime:  500 * time.Millisecond,
	}),
)
if err != nil {
	return err
}
tp := sdktrace.NewTracerProvider(
	sdktrace.WithBatcher(exporter,
		sdktrace.WithMaxQueueSize(4096),
		sdktrace.WithMaxExportBatchSize(512),
		sdktrace.WithBatchTimeout(5 * time.Second),
		sdktrace.WithExportTimeout(500 * time.Millisecond),
		// No WithBlocking: a full queue drops spans rather than stall requests.
	),
)
