"""`content-gen review`: a local page to read, edit, approve or send back each piece.

`state.py` (the review states, standard library only: the calendar runner reads them) and
`actions.py` (the writes: run.json under the run's lock, history files, the ledger) hold what
the page does to the disk; `model.py` reads runs and pieces; `pages.py` gathers what a page
shows, `views.py` how each piece looks to its reader; `server.py` (the HTTP server and its
guards) and `routes.py` (the pages and actions) serve it; `jobs.py` and `sendback.py` run
send-backs in the background. Importing this package imports none of them.
"""
