"""Getting pieces to where they are published: email HTML and plain text, site front matter,
`export` into the user's folders, and drafts on a real platform (WordPress).

Nothing here publishes anything live: export writes files, and the one platform client only
ever creates drafts.
"""
