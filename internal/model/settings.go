package model

import "github.com/otelbench/otelbench/internal/settings"

// ErrInvalidSettings is wrapped by every error settings.Batch.Validate
// returns: processor settings the model cannot describe.
var ErrInvalidSettings = settings.ErrInvalid
