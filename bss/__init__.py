"""Shared kernel: the TMF API kit, outbox and events, jobs, the transition log, auth and observability.

It imports no app (an import-linter contract keeps that true)."""
