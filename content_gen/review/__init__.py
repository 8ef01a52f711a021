"""`content-gen review`: a local page to read, edit, approve or send back each piece.

`state.py` (the review states, standard library only: the calendar runner reads them) and
`actions.py` (the writes: run.json under the run's lock, history files, the ledger) hold what
the page does to the disk; `model.py` reads runs and pieces for it; `views.py` shows a piece
as its reader will see it; `server.py` and `routes.py` are the web server; `jobs.py` runs
send-backs in the background. Importing this package imports none of them.
"""
