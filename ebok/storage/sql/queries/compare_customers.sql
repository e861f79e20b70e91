-- The loader's comparison (ebok.loader.compare): customers in the warehouse served (schema served)
-- and in the new one (schema incoming): counts, how many were added and gone, and the first
-- $sample ids of each, sorted.
WITH
    old AS (SELECT customer_id AS id FROM served.customers),
    new AS (SELECT customer_id AS id FROM incoming.customers),
    added AS (SELECT id FROM new EXCEPT SELECT id FROM old),
    gone AS (SELECT id FROM old EXCEPT SELECT id FROM new)
SELECT
    (SELECT count(*) FROM old) AS before,
    (SELECT count(*) FROM new) AS after,
    (SELECT count(*) FROM added) AS added,
    (SELECT count(*) FROM gone) AS gone,
    (SELECT coalesce(list(id ORDER BY id), []) FROM (SELECT id FROM added ORDER BY id LIMIT $sample)) AS added_ids,
    (SELECT coalesce(list(id ORDER BY id), []) FROM (SELECT id FROM gone ORDER BY id LIMIT $sample)) AS gone_ids
