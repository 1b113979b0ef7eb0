"""The authorisation matrix's parts (tests/test_authz_matrix.py runs it).

* `matrix`: the URLs of tests/authz_matrix.yaml and the cells each becomes.
* `rules`: the one table of rules, each naming the capability it needs (or none), and the status
  every cell expects, derived from the capability registry's `GRANTS`.
* `objects`: the objects cells ask for, in each relation to the person.
* `targets`: the URL kwargs of each cell (the areas' own matrix modules build theirs).
* `bodies`: a valid body for each write.
* `requests`: sending a cell's request and checking what it changed.
"""
