"""Scheduled runs: calendar files, the ledger of what is done, and the runner that does the rest."""
