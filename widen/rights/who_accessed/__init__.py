"""The "who accessed" search as a page, for those who handle requests about people's data: who
viewed, downloaded or changed the records of chosen learners their organisations hold, in a
window, with a CSV of the answer. The same query as `widen who_accessed`
(`widen.audit.selectors.who_accessed`)."""
