"""Duplicate learners: finding pairs probably recorded twice, reviewing them, merging them.

* `finding`: the probabilistic search itself (Splink), reading nothing from the database;
* `reviews`: the pairs a person may decide, storing a search's pairs, rejecting and merging;
* `tasks`: a search over many learners run by the background worker;
* `views` and `api`: the review pages and the CSV of pairs waiting.
"""
