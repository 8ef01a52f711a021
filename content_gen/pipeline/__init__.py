"""Running a topic: the session, the orchestrator's fan-out, the per-channel quality loop,
and the results they return."""
