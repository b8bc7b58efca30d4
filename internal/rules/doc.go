// Package rules judges popular rules of thumb about the batch span
// processor against one run (a Summary), with package model where the
// rule is about something the run did not measure directly: "max queue
// size = 2× peak concurrent requests", "a schedule delay of 2–5 s
// amortises I/O", "a 5 s export timeout keeps retries from blocking",
// "SimpleSpanProcessor stalls under load" and "10% sampling cuts the
// overhead".
//
// Every rule is judged; a rule the run has no evidence for is Untested.
// The evidence is a value per rule (QueueEvidence, DelayEvidence, …), per
// rate, with the figures behind the verdict; package report writes it.
package rules
