-- Read paths of the public portal and partner synchronisation (issue 8, bench/run).
-- Anonymous lists see published positions only: this partial index lets the default
-- page (-adopted_on) start at the newest published row instead of stepping over every
-- draft (whose sort key, 9999-12-31, puts them first). The list query filters on the
-- bare column (`WHERE published`) so that both planners can match the predicate.
CREATE INDEX positions_published_adopted_idx ON positions (adopted_sort, id) WHERE published;
-- The association's positions in one status (e.g. what it sent), newest first: a seek
-- to the pair instead of walking one of them and filtering the other.
CREATE INDEX positions_association_status_adopted_idx ON positions (association_id, status, adopted_sort, id);
